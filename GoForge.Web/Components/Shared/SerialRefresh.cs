namespace GoForge.Web.Components.Shared;

/// <summary>
/// Reloads a component's data when pushed updates say it changed, one reload at a time: a request that arrives while
/// one runs makes it go round once more, so the last reload always starts after the last change and a slow older
/// reload never overwrites a newer one. Call <see cref="RunAsync"/> on the component's dispatcher (inside <c>InvokeAsync</c>).
/// </summary>
public sealed class SerialRefresh(Func<Task> reload)
{
    private bool _running;
    private bool _again;

    public async Task RunAsync()
    {
        if (_running)
        {
            _again = true;
            return;
        }

        _running = true;
        try
        {
            do
            {
                _again = false;
                await reload();
            }
            while (_again);
        }
        finally
        {
            _running = false;
        }
    }
}
