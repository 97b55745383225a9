using GoForge.Core.Deployments;
using GoForge.Core.Identity;

namespace GoForge.Tests.Support;

/// <summary>
/// Runs a deployment to its end on the test's own thread, without the worker: queue it as the actor, start it, run
/// the pipeline, and read the stored outcome; and reads a deployment's stored log as one text.
/// </summary>
internal static class InlineDeployments
{
    public static async Task<Deployment> DeployNowAsync(this TestHost host, Actor actor, Guid applicationId)
    {
        var queued = (await host.Get<DeploymentService>().EnqueueAsync(actor, applicationId)).Value!;
        return await RunNowAsync(host, queued);
    }

    /// <summary>Starts a queued deployment as the worker would (pull, clone, or start a kept image) and runs it to its end.</summary>
    public static async Task<Deployment> RunNowAsync(this TestHost host, Deployment queued)
    {
        var trigger = queued.RollbackOf is not null ? DeploymentTrigger.StartFromImage
            : queued.ImageReference is not null ? DeploymentTrigger.StartPull
            : DeploymentTrigger.Start;
        var started = (await host.Get<DeploymentStates>().TransitionAsync(queued.Id, trigger, TransitionRequest.System("test"))).Value!;
        await host.Get<IDeploymentRunner>().RunAsync(started, CancellationToken.None);
        return (await host.Get<IDeploymentRepository>().GetAsync(queued.Id))!;
    }

    public static async Task<string> DeploymentLogAsync(this TestHost host, Guid deploymentId) =>
        string.Join("\n", (await host.Get<IDeploymentRepository>().ListLogAsync(deploymentId, 0, 10000)).Select(l => l.Text));
}
