using Docker.DotNet;
using Docker.DotNet.Models;

namespace GoForge.Tests.Production;

/// <summary>Runs a command in a fresh container of an image to its end: exit code, stdout and stderr. The container is removed.</summary>
internal static class OneShotContainer
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task<(long ExitCode, string Output)> RunAsync(DockerClient engine, string image, IList<string> entrypoint, IList<string> command, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        var created = await engine.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            Entrypoint = entrypoint,
            Cmd = command,
            Labels = new Dictionary<string, string> { ["goforge-test"] = "true" },
            HostConfig = new HostConfig { NetworkMode = "none" },
        }, timeout.Token);
        try
        {
            await engine.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), timeout.Token);
            var waited = await engine.Containers.WaitContainerAsync(created.ID, timeout.Token);
            using var logs = await engine.Containers.GetContainerLogsAsync(created.ID, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, timeout.Token);
            var (stdout, stderr) = await logs.ReadOutputToEndAsync(timeout.Token);
            return (waited.StatusCode, stdout + stderr);
        }
        finally
        {
            await engine.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, CancellationToken.None);
        }
    }
}
