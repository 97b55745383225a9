namespace GoForge.Web.Components.Shared;

/// <summary>
/// Turns a burst of pushed updates into at most one flush per <see cref="Interval"/>. <see cref="Schedule"/> starts a
/// one-shot timer only when none is pending, so nothing runs while nothing arrives (no polling). The flush callback
/// usually drains a buffer inside <c>InvokeAsync</c> and renders once.
/// </summary>
public sealed class RenderCoalescer(Func<Task> flush, TimeProvider time, TimeSpan interval) : IDisposable
{
    /// <summary>About four renders a second: a log burst stays readable and the circuit is not flooded.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private ITimer? _timer;
    private bool _disposed;

    public TimeSpan Interval => interval;

    /// <summary>Asks for a flush; callable from any thread. Calls while one is pending join it.</summary>
    public void Schedule()
    {
        lock (_gate)
        {
            if (_disposed || _timer is not null)
            {
                return;
            }

            _timer = time.CreateTimer(_ => _ = FireAsync(), null, interval, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task FireAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            // Cleared before flushing: anything arriving during the flush schedules the next one.
            _timer?.Dispose();
            _timer = null;
        }

        await flush();
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
