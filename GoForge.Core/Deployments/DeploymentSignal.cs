using GoForge.Core.Common.Work;

namespace GoForge.Core.Deployments;

/// <summary>Wakes the <see cref="DeploymentWorker"/> (the queue is the deployments table).</summary>
public sealed class DeploymentSignal : WorkSignal;

/// <summary>Runs one deployment from Cloning to its end state (the pipeline's steps); the worker calls it after Start.</summary>
public interface IDeploymentRunner
{
    Task RunAsync(Deployment deployment, CancellationToken ct);
}
