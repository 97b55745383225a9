namespace GoForge.Tests.Proxy;

/// <summary>
/// A class fixture holding one <see cref="CaddyPanel"/> for every test of a class: started by the first test that asks
/// (xunit 2's class fixtures cannot take the collection's fixtures), disposed once the class is done.
/// </summary>
public sealed class SharedCaddyPanel : IAsyncLifetime
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private CaddyPanel? _panel;

    internal async Task<CaddyPanel> GetAsync(Func<Task<CaddyPanel>> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        await _lock.WaitAsync();
        try
        {
            return _panel ??= await start();
        }
        finally
        {
            _lock.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_panel is not null)
        {
            await _panel.DisposeAsync();
        }

        _lock.Dispose();
    }
}
