using GoForge.Tests.Harness;

namespace GoForge.Tests.Proxy;

/// <summary>
/// A class fixture holding one <see cref="CaddyPanel"/> for every test of a class, with the engine and the Caddy it
/// runs on: the panel is started by the first test that asks (xunit 2's class fixtures cannot take the collection's
/// PostgreSQL), and on dispose it goes first, then Caddy, then the engine (as separate class fixtures the engine could
/// go before the panel had removed its containers).
/// </summary>
public sealed class SharedCaddyPanel : IAsyncLifetime
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private CaddyPanel? _panel;

    public DockerFixture Docker { get; } = new();

    public CaddyFixture Caddy { get; } = new();

    /// <summary>The panel, started on database <paramref name="database"/> of <paramref name="postgres"/> by the first caller.</summary>
    internal async Task<CaddyPanel> GetAsync(PostgresFixture postgres, string database)
    {
        await _lock.WaitAsync();
        try
        {
            return _panel ??= await CaddyPanel.StartAsync(postgres, Docker, Caddy, database);
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task InitializeAsync()
    {
        await Docker.InitializeAsync();
        await Caddy.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_panel is not null)
            {
                await _panel.DisposeAsync();
            }
        }
        finally
        {
            await Caddy.DisposeAsync();
            await Docker.DisposeAsync();
            _lock.Dispose();
        }
    }
}
