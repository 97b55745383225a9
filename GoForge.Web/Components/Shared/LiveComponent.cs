using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Shared;

/// <summary>
/// The push-refresh block of a component that re-reads its data when a feed says it changed: it keeps one
/// subscription (<see cref="Watch"/>), turns a pushed change into a reload on the circuit (<see cref="RefreshSoon"/>,
/// callable from any thread), runs reloads one at a time through a <see cref="SerialRefresh"/> (so the last read
/// always starts after the last change), routes failures to <c>DispatchExceptionAsync</c>, and drops the
/// subscription when the component goes.
/// </summary>
public abstract class LiveComponent : ComponentBase, IDisposable
{
    private readonly SerialRefresh _refresh;
    private IDisposable? _subscription;

    protected LiveComponent() => _refresh = new SerialRefresh(ReloadAsync);

    /// <summary>Re-reads what the component shows (the database is the truth). Runs on the circuit, never twice at once.</summary>
    protected virtual Task ReloadAsync() => Task.CompletedTask;

    /// <summary>Keeps <paramref name="subscription"/> (disposing the one kept before) until the next call or disposal.</summary>
    protected void Watch(IDisposable? subscription)
    {
        _subscription?.Dispose();
        _subscription = subscription;
    }

    /// <summary>Reloads now, on the circuit, sharing the gate with pushed refreshes that may already be arriving.</summary>
    protected Task ReloadNowAsync() => _refresh.RunAsync();

    /// <summary>From a feed's thread: reload and render on the circuit.</summary>
    protected void RefreshSoon() => _ = InvokeAsync(RefreshAsync);

    private async Task RefreshAsync()
    {
        try
        {
            await _refresh.RunAsync();
            StateHasChanged();
        }
        catch (Exception e)
        {
            await DispatchExceptionAsync(e);
        }
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Watch(null);
        }
    }
}
