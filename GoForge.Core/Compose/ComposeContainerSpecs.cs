using GoForge.Core.Deployments;
using GoForge.Core.Containers;
using GoForge.Core.Projects;

namespace GoForge.Core.Compose;

/// <summary>
/// The networks a compose deployment's containers join, by id: the environment's own (where they reach the environment's
/// services, and are reached by their container names), the application's own (where they answer to their service
/// names), and (routed services only) the proxy's and the probe's.
/// </summary>
internal sealed record ComposeNetworks(string Environment, string Application, string? Proxy, string? Probe);

/// <summary>
/// A compose service's container (docs/deployments/compose.md): named <see cref="EngineNames.ComposeContainer"/>, on
/// the environment's network and on the application's own network with its service name as alias there, GoForge's labels over the file's, the file's environment
/// then the application's variables that reach it, and GoForge's hardening (a process limit, no <c>NET_RAW</c>).
/// </summary>
internal static class ComposeContainerSpecs
{
    /// <summary>The port a routed service is reached on: its first <c>expose</c>, else the application's container port.</summary>
    public static int PortOf(ComposeService service, Application app) => service.Expose.Count > 0 ? service.Expose[0] : app.ContainerPort;

    public static ContainerSpec For(ComposeRun run, ComposeService service, int index, string image, bool routed,
        ComposeNetworks networks, IReadOnlyList<ContainerVolume> mounts, string installationId)
    {
        var env = new Dictionary<string, string>(service.Environment, StringComparer.Ordinal);
        foreach (var variable in run.Reaching(service.Name))
        {
            env[variable.Key] = variable.Value;
        }

        var labels = new Dictionary<string, string>(service.Labels, StringComparer.Ordinal)
        {
            [GoForgeLabels.Managed] = "true",
            [GoForgeLabels.Installation] = installationId,
            [GoForgeLabels.App] = run.App.Id.ToString(),
            [GoForgeLabels.Deployment] = run.Deployment.Id.ToString(),
            [GoForgeLabels.Project] = run.Project.Id.ToString(),
            [GoForgeLabels.Environment] = run.Environment.Id.ToString(),
            [GoForgeLabels.Kind] = GoForgeLabels.Kinds.AppContainer,
            [GoForgeLabels.ComposeService] = service.Name,
        };
        return new ContainerSpec
        {
            Name = EngineNames.ComposeContainer(run.Deployment.Id, index, service.Name),
            Image = image,
            Network = networks.Environment,
            ProxyNetwork = routed ? networks.Proxy : null,
            ProbeNetwork = routed ? networks.Probe : null,
            ContainerPort = PortOf(service, run.App),
            Env = env,
            Labels = labels,
            MemoryLimitMb = service.Limits.MemoryMb,
            CpuLimit = service.Limits.Cpus,
            PidsLimit = service.Limits.Pids ?? ContainerHardening.DefaultPidsLimit,
            RestartPolicy = service.Restart,
            Command = service.Command ?? [],
            Entrypoint = service.Entrypoint,
            WorkingDir = service.WorkingDir,
            User = service.User,
            StopGracePeriod = service.StopGracePeriod,
            EngineHealthCheck = service.HealthCheck is { } check
                ? new ContainerEngineHealthCheck(check.Test, check.Interval, check.Timeout, check.Retries, check.StartPeriod)
                : service.HealthCheckDisabled ? new ContainerEngineHealthCheck(["NONE"], TimeSpan.Zero, TimeSpan.Zero, 0, TimeSpan.Zero) : null,
            Volumes = mounts,
            NetworkAlias = service.Name,
            AliasNetwork = networks.Application,
        };
    }
}
