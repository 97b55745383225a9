using System.Diagnostics;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Containers;

namespace GoForge.Infrastructure.Docker;

/// <summary>Polls a container's inspect for its engine health status or its exit (<see cref="IContainerWaits"/>).</summary>
public sealed class DockerContainerWaits(DockerClientProvider docker) : IContainerWaits
{
    private const int LogLinesKept = 30;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly Func<string, Exception, Exception> Unreachable = static (message, e) => new EngineException(message, e);

    public Task<ContainerHealth> WaitEngineHealthyAsync(string containerId, TimeSpan timeout, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(PollAsync(containerId, timeout, EngineHealth, ct), Unreachable);

    public Task<ContainerHealth> WaitExitedSuccessfullyAsync(string containerId, TimeSpan timeout, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(PollAsync(containerId, timeout, Exit, ct), Unreachable);

    /// <summary>(done, healthy, reason): done ends the wait.</summary>
    private static (bool Done, bool Healthy, string Reason) EngineHealth(ContainerInspectResponse container)
    {
        var state = container.State;
        if (state is null || state.Status is "exited" or "dead")
        {
            return (true, false, $"the container exited with code {(state?.ExitCode ?? -1).ToString(CultureInfo.InvariantCulture)}");
        }

        if (state.Restarting)
        {
            return (true, false, "the container is restarting (it exited)");
        }

        return state.Health?.Status switch
        {
            "healthy" => (true, true, "the engine's health check passed"),
            "unhealthy" => (true, false, "the engine's health check failed: " + LastProbe(state.Health)),
            null or "" or "none" => (true, false, "the container has no health check, so it can never be healthy"),
            _ => (false, false, "the engine's health check has not passed yet"),
        };
    }

    private static (bool Done, bool Healthy, string Reason) Exit(ContainerInspectResponse container)
    {
        var state = container.State;
        if (state is null || state.Status is "exited" or "dead")
        {
            var code = state?.ExitCode ?? -1;
            return (true, code == 0, $"the container exited with code {code.ToString(CultureInfo.InvariantCulture)}");
        }

        return (false, false, "the container has not completed yet");
    }

    private static string LastProbe(Health health) =>
        health.Log?.LastOrDefault() is { } last ? $"exit {last.ExitCode.ToString(CultureInfo.InvariantCulture)}: {last.Output?.Trim()}" : "no probe output";

    private async Task<ContainerHealth> PollAsync(string containerId, TimeSpan timeout, Func<ContainerInspectResponse, (bool Done, bool Healthy, string Reason)> check, CancellationToken ct)
    {
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            (bool Done, bool Healthy, string Reason) seen;
            try
            {
                seen = check(await docker.Client.Containers.InspectContainerAsync(containerId, ct));
            }
            catch (DockerApiException e) when (e.IsNotFound())
            {
                seen = (true, false, "the container no longer exists");
            }

            if (seen.Done)
            {
                return seen.Healthy
                    ? new ContainerHealth(ContainerHealthStatus.Healthy, seen.Reason, [])
                    : new ContainerHealth(ContainerHealthStatus.Unhealthy, seen.Reason, await ContainerLogTail.ReadAsync(docker.Client, containerId, LogLinesKept, ct));
            }

            if (elapsed.Elapsed >= timeout)
            {
                return new ContainerHealth(ContainerHealthStatus.Unhealthy, $"not done within {timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s: {seen.Reason}",
                    await ContainerLogTail.ReadAsync(docker.Client, containerId, LogLinesKept, ct));
            }

            await Task.Delay(PollInterval, ct);
        }
    }
}
