using GoForge.Core.Projects;

namespace GoForge.Core.Deployments;

/// <summary>
/// The compose deploy step as the runner sees it: a port, so Deployments stays below the Compose feature that
/// implements it (<c>Compose/ComposeDeployStep</c>, docs/deployments/compose.md), as <see cref="IImagePullStep"/> does for Registry.
/// </summary>
public interface IComposeDeployStep
{
    /// <summary>Deploys the compose set of <paramref name="run"/>; the deployment's outcome is recorded on its row.</summary>
    internal Task RunAsync(ComposeRun run, CancellationToken ct);
}

/// <summary>One compose deployment as the runner hands it over: what it deploys, with which variables, where it logs and clones.</summary>
internal sealed record ComposeRun(
    Deployment Deployment,
    Application App,
    ProjectEnvironment Environment,
    Project Project,
    IReadOnlyList<EnvironmentVariable> Variables,
    DeploymentLog Log,
    string WorkDirectory)
{
    /// <summary>The variables that reach <paramref name="service"/>.</summary>
    public IEnumerable<EnvironmentVariable> Reaching(string service) => Variables.Where(v => v.Reaches(service));
}
