namespace GoForge.Web.Components.Shared;

/// <summary>
/// A leading-edge throttle for pushed updates: <see cref="Request"/> renders at once when the last render was at least
/// <see cref="Interval"/> ago, otherwise once at last render + <see cref="Interval"/>, however many requests arrive
/// meanwhile. So a lone change (a container stopping) shows without delay, a stream of changes (stats once a second,
/// from several containers) renders at most once per interval, and nothing runs while nothing arrives (no polling).
/// Unlike <see cref="RenderCoalescer"/>, which always waits one interval, the first update of a quiet spell is not held back.
/// </summary>
public sealed class RenderThrottle(Func<Task> render, TimeProvider time, TimeSpan interval) : IDisposable
{
    /// <summary>One render a second: charts move smoothly and a state change is never more than a second late.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private DateTimeOffset _lastRender = DateTimeOffset.MinValue;
    private ITimer? _timer;
    private bool _disposed;

    public TimeSpan Interval => interval;

    /// <summary>Asks for a render; callable from any thread. Calls while one is scheduled join it.</summary>
    public void Request()
    {
        lock (_gate)
        {
            if (_disposed || _timer is not null)
            {
                return;
            }

            var now = time.GetUtcNow();
            var wait = _lastRender + interval - now;
            if (wait > TimeSpan.Zero)
            {
                _timer = time.CreateTimer(_ => Fire(), null, wait, Timeout.InfiniteTimeSpan);
                return;
            }

            _lastRender = now;
        }

        _ = RenderAsync();
    }

    /// <summary>
    /// Renders at once, whenever the last render was: for a change people watch for (a container stopping), which
    /// must not wait behind a stream's throttle. A scheduled render is folded into this one, and the interval starts
    /// again from now, so a stream still renders at most once per interval around it.
    /// </summary>
    public void RequestNow()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _timer?.Dispose();
            _timer = null;
            _lastRender = time.GetUtcNow();
        }

        _ = RenderAsync();
    }

    private void Fire()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            // Cleared before rendering: a request arriving during the render schedules the next one.
            _timer?.Dispose();
            _timer = null;
            _lastRender = time.GetUtcNow();
        }

        _ = RenderAsync();
    }

    // The callback reports its own failures (components route them to DispatchExceptionAsync); awaiting here only
    // keeps a faulted task from going unobserved.
    private async Task RenderAsync()
    {
        try
        {
            await render();
        }
        catch (ObjectDisposedException)
        {
            // The component's renderer went away between the request and the render.
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }
}
