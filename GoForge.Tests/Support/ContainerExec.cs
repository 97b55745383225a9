using Docker.DotNet;
using Docker.DotNet.Models;

namespace GoForge.Tests.Support;

/// <summary>Runs an argument array (never a shell line, unless the test names <c>sh -c</c> itself) inside a container.</summary>
public static class ContainerExec
{
    /// <summary>The command's exit code and its stdout and stderr together.</summary>
    public static async Task<(long ExitCode, string Output)> RunAsync(IDockerClient docker, string containerId, IList<string> command, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(docker);
        var exec = await docker.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters { Cmd = command, AttachStdout = true, AttachStderr = true }, ct);
        string output;
        using (var stream = await docker.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters(), ct))
        {
            var (stdout, stderr) = await stream.ReadOutputToEndAsync(ct);
            output = stdout + stderr;
        }

        long exitCode = -1;
        await Wait.UntilAsync(async () =>
        {
            var state = await docker.Exec.InspectContainerExecAsync(exec.ID, ct);
            exitCode = state.ExitCode ?? -1;
            return !state.Running;
        }, $"exec {string.Join(' ', command)} to end");
        return (exitCode, output);
    }
}
