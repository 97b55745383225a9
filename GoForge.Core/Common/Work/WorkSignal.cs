using System.Threading.Channels;

namespace GoForge.Core.Common.Work;

/// <summary>
/// Wakes a queue's worker the moment something is queued or a slot frees up. Only a signal: the queue itself is a
/// table, so nothing is lost when the panel stops. Each queue derives its own type, so each worker gets its own signal.
/// </summary>
public abstract class WorkSignal
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Waits for a wake-up or the time-out, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(timeout);
        try
        {
            await _wake.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The idle interval passed: look at the queue anyway.
        }
    }
}
