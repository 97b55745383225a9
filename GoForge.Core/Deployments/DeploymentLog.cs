using System.Globalization;
using GoForge.Core.Common.Live;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Deployments;

/// <summary>
/// Masks, stores and publishes one deployment's log lines in order. Lines written while a write is on its way are
/// stored together in the next one (one round trip per batch, not per line), so a chatty build does not wait on the
/// database. <see cref="WriteAsync"/> completes once its line is stored (or given up on).
/// </summary>
/// <remarks>
/// A failed write (the database restarting, a dropped connection) is retried with a growing pause (0.2 s doubling to
/// 5 s) by the only writer, which takes the next batch only once this one is stored, so the order holds. After
/// <see cref="RetryLimit"/> of failures in a row the batch is dropped, and until a write works again each later batch
/// is tried once: the end of a run never waits on a dead database for long. While writes fail, at most
/// <see cref="MaxPending"/> lines wait in memory; later ones are dropped. Either way the first line stored after the
/// gap says how many lines are missing there, so a gap is never silent. A logging failure never fails the
/// deployment. A write whose answer was lost after it committed is stored twice: rare, and better than lost.
/// </remarks>
internal sealed partial class DeploymentLog
{
    /// <summary>Lines waiting while the database cannot be reached; the rest are counted and dropped.</summary>
    public const int MaxPending = 10_000;

    /// <summary>Lines per round trip.</summary>
    public const int MaxBatch = 1000;

    /// <summary>How long failed writes are retried in a row before a batch is dropped.</summary>
    public static readonly TimeSpan RetryLimit = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly IDeploymentRepository _repository;
    private readonly ChangeFeed<DeploymentUpdate> _feed;
    private readonly Deployment _deployment;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<string> _pending = [];
    private TaskCompletionSource? _pendingStored;
    private TaskCompletionSource? _inFlight;
    private int _inFlightCount;
    private bool _writing;
    private int _overflowed;

    // Only the writer loop touches these.
    private int _lost;
    private bool _givenUp;

    public DeploymentLog(IDeploymentRepository repository, ChangeFeed<DeploymentUpdate> feed, Deployment deployment, TimeProvider time, ILogger logger)
    {
        _repository = repository;
        _feed = feed;
        _deployment = deployment;
        _time = time;
        _logger = logger;
    }

    public SecretMasker Masker { get; set; } = SecretMasker.None;

    public Task WriteAsync(string line)
    {
        var masked = Masker.Apply(line);
        lock (_gate)
        {
            if (_pending.Count + _inFlightCount >= MaxPending)
            {
                _overflowed++;
            }
            else
            {
                AddOverflowNote();
                _pending.Add(masked);
            }

            return StartWriting();
        }
    }

    /// <summary>Queues a line without waiting for it to be stored; order is kept, and the next awaited write or <see cref="FlushAsync"/> covers it.</summary>
    public void Write(string line) => _ = WriteAsync(line);

    /// <summary>Completes when every line written so far is stored (or given up on).</summary>
    public Task FlushAsync()
    {
        lock (_gate)
        {
            if (_overflowed > 0)
            {
                // Lines dropped at the very end still get their note.
                AddOverflowNote();
                return StartWriting();
            }

            return _pendingStored?.Task ?? _inFlight?.Task ?? Task.CompletedTask;
        }
    }

    public IProgress<string> Progress() => new LogProgress(this);

    /// <summary>Under the gate.</summary>
    private Task StartWriting()
    {
        _pendingStored ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stored = _pendingStored.Task;
        if (!_writing)
        {
            _writing = true;
            _ = Task.Run(WriteBatchesAsync);
        }

        return stored;
    }

    /// <summary>Under the gate: where lines were dropped for want of room, a note before the next line kept.</summary>
    private void AddOverflowNote()
    {
        if (_overflowed > 0)
        {
            _pending.Add(DroppedNote(_overflowed, $"at most {MaxPending} lines wait for the database"));
            _overflowed = 0;
        }
    }

    /// <summary>The only writer: one batch at a time, retried until stored or given up, so the order holds.</summary>
    private async Task WriteBatchesAsync()
    {
        while (true)
        {
            List<string> batch;
            TaskCompletionSource? stored = null;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _writing = false;
                    return;
                }

                var take = Math.Min(MaxBatch, _pending.Count);
                batch = _pending.GetRange(0, take);
                _pending.RemoveRange(0, take);
                _inFlightCount = take;
                if (_pending.Count == 0)
                {
                    stored = _pendingStored;
                    _pendingStored = null;
                    _inFlight = stored;
                }
            }

            await StoreAsync(batch);
            lock (_gate)
            {
                _inFlightCount = 0;
            }

            stored?.TrySetResult();
        }
    }

    private async Task StoreAsync(List<string> batch)
    {
        var noted = _lost > 0;
        if (noted)
        {
            // The first lines stored after a gap say what is missing there.
            batch.Insert(0, DroppedNote(_lost, $"the database could not store them for {RetryLimit.TotalMinutes:0} min"));
        }

        var delay = FirstRetryDelay;
        long? failingSince = null;
        while (true)
        {
            try
            {
                var lines = await _repository.AppendLogAsync(_deployment.Id, batch, _time.GetUtcNow(), CancellationToken.None);
                _feed.Publish(new DeploymentLogAppended(_deployment.Id, _deployment.ApplicationId, lines));
                _lost = 0;
                _givenUp = false;
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failingSince ??= _time.GetTimestamp();
                var failingFor = _time.GetElapsedTime(failingSince.Value);
                if (!_givenUp && failingFor < RetryLimit)
                {
                    LogStoreRetried(_logger, _deployment.Id, batch.Count, delay.TotalSeconds, e);
                    await Task.Delay(delay, _time, CancellationToken.None);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
                    continue;
                }

                // Given up: until a write works again, later batches are tried once each (the flush at the end of
                // the run stays bounded), and the first one stored says how many lines are missing before it.
                _lost += noted ? batch.Count - 1 : batch.Count;
                _givenUp = true;
                LogStoreAbandoned(_logger, _deployment.Id, batch.Count, failingFor.TotalSeconds, e);
                return;
            }
        }
    }

    private static string DroppedNote(int count, string why) => string.Create(CultureInfo.InvariantCulture,
        $"[GoForge] {count} log lines were dropped here: {why}.");

    [LoggerMessage(EventId = 3061, Level = LogLevel.Warning, Message = "{Count} log lines of deployment {DeploymentId} could not be stored; retrying in {Seconds:0.0} s")]
    private static partial void LogStoreRetried(ILogger logger, Guid deploymentId, int count, double seconds, Exception exception);

    [LoggerMessage(EventId = 3062, Level = LogLevel.Error, Message = "{Count} log lines of deployment {DeploymentId} were dropped: the database could not store them for {Seconds:0} s")]
    private static partial void LogStoreAbandoned(ILogger logger, Guid deploymentId, int count, double seconds, Exception exception);

    private sealed class LogProgress(DeploymentLog log) : IProgress<string>
    {
        public void Report(string value) => _ = log.WriteAsync(value);
    }
}
