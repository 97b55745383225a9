using Docker.DotNet.Models;
using ContainerSpec = GoForge.Core.Containers.ContainerSpec;

namespace GoForge.Infrastructure.Docker;

/// <summary>
/// What a compose service adds to a container (docs/deployments/compose.md): its entrypoint, working directory, user,
/// stop grace and an engine health check in the engine's own form. Unset, the request is as before.
/// </summary>
internal static class DockerContainerExtras
{
    public static void Apply(ContainerSpec spec, CreateContainerParameters parameters)
    {
        if (spec.Entrypoint is { } entrypoint)
        {
            parameters.Entrypoint = entrypoint.ToList();
        }

        if (spec.WorkingDir is { } workingDir)
        {
            parameters.WorkingDir = workingDir;
        }

        if (spec.User is { } user)
        {
            parameters.User = user;
        }

        if (spec.StopGracePeriod is { } grace)
        {
            parameters.StopTimeout = grace;
        }

        if (spec.EngineHealthCheck is { } check && spec.ExecHealthCheck is null)
        {
            parameters.Healthcheck = new HealthcheckConfig
            {
                Test = check.Test.ToList(),
                Interval = check.Interval,
                Timeout = check.Timeout,
                Retries = check.Retries,
                StartPeriod = check.StartPeriod,
            };
        }
    }
}
