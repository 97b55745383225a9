using GoForge.Core.Deployments;
using GoForge.Core.Projects;

namespace GoForge.Core.Compose;

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
    /// <summary>The prefix of a service's lines in the deployment log; the Overview's sections are cut on it (keep exactly this form).</summary>
    public static string Prefix(string service) => $"[{service}] ";

    /// <summary>The variables that reach <paramref name="service"/>.</summary>
    public IEnumerable<EnvironmentVariable> Reaching(string service) => Variables.Where(v => v.Reaches(service));
}

/// <summary>A service's build or pull output, each line prefixed with the service's name.</summary>
internal sealed class ServiceLogProgress(DeploymentLog log, string service) : IProgress<string>
{
    public void Report(string value) => _ = log.WriteAsync(ComposeRun.Prefix(service) + value);
}

/// <summary>What went wrong with one service: the deployment fails naming it, with its last log lines.</summary>
internal sealed class ComposeServiceFailure(string service, string reason, IReadOnlyList<string> lastLines) : Exception($"service {service}: {reason}")
{
    public string Service { get; } = service;

    public string Reason { get; } = reason;

    public IReadOnlyList<string> LastLines { get; } = lastLines;
}
