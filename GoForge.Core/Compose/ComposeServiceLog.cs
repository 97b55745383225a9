using GoForge.Core.Deployments;

namespace GoForge.Core.Compose;

/// <summary>A service's build or pull output, each line prefixed with the service's name.</summary>
internal sealed class ServiceLogProgress(DeploymentLog log, string service) : IProgress<string>
{
    public void Report(string value) => _ = log.WriteAsync(ComposeLogPrefix.Format(service, value));
}

/// <summary>What went wrong with one service: the deployment fails naming it, with its last log lines.</summary>
internal sealed class ComposeServiceFailure(string service, string reason, IReadOnlyList<string> lastLines) : Exception($"service {service}: {reason}")
{
    public string Service { get; } = service;

    public string Reason { get; } = reason;

    public IReadOnlyList<string> LastLines { get; } = lastLines;
}
