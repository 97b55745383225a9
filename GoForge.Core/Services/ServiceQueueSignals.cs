using System.Collections.Concurrent;
using GoForge.Core.Common.Work;
using GoForge.Core.Containers;

namespace GoForge.Core.Services;

/// <summary>Wakes the <see cref="ServiceWorker"/> (the queue is the service_operations table).</summary>
public sealed class ServiceSignal : WorkSignal;

/// <summary>
/// Tells whoever follows an operation (a page, <c>?wait=</c>, the CLI in the panel's process) that it ended, so
/// they read its outcome at once; a follower in another process reads the row again every second instead.
/// </summary>
public sealed class ServiceOperationEnds
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _waiting = new();

    /// <summary>Completes when <see cref="Ended"/> is called for the operation; the caller reads the row afterwards.</summary>
    public Task WhenEndedAsync(Guid operationId) =>
        _waiting.GetOrAdd(operationId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Ended(Guid operationId)
    {
        if (_waiting.TryRemove(operationId, out var done))
        {
            done.TrySetResult();
        }
    }
}

/// <summary>
/// The live steps of a service's image pull, from the worker to whoever watches (the create dialog, the service page).
/// Handlers run on the worker's thread; a failing one is its own problem.
/// </summary>
public sealed class ServicePullWatch
{
    private readonly ConcurrentDictionary<Guid, ImmutableSet> _watchers = new();

    /// <summary>Reports every pull step of <paramref name="serviceId"/> to <paramref name="progress"/> until disposed.</summary>
    public IDisposable Watch(Guid serviceId, IProgress<ImagePullProgress> progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        _watchers.AddOrUpdate(serviceId, _ => new ImmutableSet([progress]), (_, set) => set.With(progress));
        return new Unwatch(() => _watchers.AddOrUpdate(serviceId, _ => new ImmutableSet([]), (_, set) => set.Without(progress)));
    }

    /// <summary>The progress the worker hands the engine for <paramref name="serviceId"/>'s pull.</summary>
    public IProgress<ImagePullProgress> ReporterFor(Guid serviceId) => new Reporter(this, serviceId);

    private void Report(Guid serviceId, ImagePullProgress step)
    {
        if (!_watchers.TryGetValue(serviceId, out var set))
        {
            return;
        }

        foreach (var watcher in set.Items)
        {
            try
            {
                watcher.Report(step);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A viewer's failure is its own; the pull and the other viewers go on.
            }
        }
    }

    private sealed record ImmutableSet(IReadOnlyList<IProgress<ImagePullProgress>> Items)
    {
        public ImmutableSet With(IProgress<ImagePullProgress> item) => new([.. Items, item]);

        public ImmutableSet Without(IProgress<ImagePullProgress> item) => new(Items.Where(i => !ReferenceEquals(i, item)).ToList());
    }

    private sealed class Reporter(ServicePullWatch watch, Guid serviceId) : IProgress<ImagePullProgress>
    {
        public void Report(ImagePullProgress value) => watch.Report(serviceId, value);
    }

    private sealed class Unwatch(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}

/// <summary>The running operations' cancellation sources, so a user's cancel stops a pull within seconds.</summary>
public sealed class ServiceCancellations : RunningWork;
