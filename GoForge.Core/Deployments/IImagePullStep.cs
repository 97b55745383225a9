using GoForge.Core.Projects;

namespace GoForge.Core.Deployments;

/// <summary>How an image application's pull step ended.</summary>
public enum PullOutcome
{
    /// <summary>Pulled and tagged as the deployment's image, now Deploying: the deploy step runs next.</summary>
    Deploy,

    /// <summary>The deployment ended here: failed, canceled, or unchanged (the digest is the one running).</summary>
    Ended,
}

/// <summary>
/// The Pulling step of an image application's deployment, as the runner sees it; the registry feature implements it
/// (GoForge.Core.Registry.ImagePullStep), so the pipeline does not depend on the registry feature.
/// </summary>
public interface IImagePullStep
{
    /// <summary>Runs the step from Pulling: Deploy when the deployment's tag is ready to start, Ended when the deployment ended here.</summary>
    internal Task<PullOutcome> RunAsync(Deployment deployment, Application app, string tag, DeploymentLog log, CancellationToken cancel);
}
