using System.Collections.Concurrent;

namespace GoForge.Core.Deployments;

/// <summary>The running deployments' cancellation sources, so a user's cancel stops a clone or build within seconds.</summary>
public sealed class DeploymentCancellations
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();

    public CancellationTokenSource Register(Guid deploymentId, CancellationToken outer)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _running[deploymentId] = source;
        return source;
    }

    public void Unregister(Guid deploymentId) => _running.TryRemove(deploymentId, out _);

    public void Cancel(Guid deploymentId)
    {
        if (_running.TryGetValue(deploymentId, out var source))
        {
            source.Cancel();
        }
    }
}
