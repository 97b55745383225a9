using Docker.DotNet;
using Docker.DotNet.Models;

namespace GoForge.Tests.Support;

/// <summary>Asks a deployed application's container for a page directly, over its IP on the application network.</summary>
public static class ContainerHttp
{
    /// <summary>What the container answers on <c>/</c> at <paramref name="port"/>, trimmed.</summary>
    public static async Task<string> GetRootAsync(IDockerClient docker, string containerId, int port = 8080)
    {
        var container = await docker.Containers.InspectContainerAsync(containerId);
        var ip = container.NetworkSettings!.Networks.Values.Select(n => n.IPAddress).First(a => !string.IsNullOrEmpty(a));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return (await http.GetStringAsync(new Uri($"http://{ip}:{port}/"))).Trim();
    }

    /// <summary>
    /// Whether an HTTP request from inside <paramref name="containerId"/> to <paramref name="host"/>:<paramref name="port"/>
    /// gets a 200 within 3 s (busybox <c>nc</c>: this busybox's <c>wget</c> crashes). Only the status counts: the test
    /// machine may answer for unreachable addresses itself (426).
    /// </summary>
    public static async Task<bool> CanFetchFromAsync(IDockerClient docker, string containerId, string host, int port = 8080, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(docker);
        var exec = await docker.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters
        {
            Cmd = ["sh", "-c", "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 \"$1\" \"$2\"", "sh", host, port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            AttachStdout = true,
            AttachStderr = true,
        }, ct);
        using var stream = await docker.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters(), ct);
        var status = (await stream.ReadOutputToEndAsync(ct)).stdout.Split('\n')[0];
        return status.StartsWith("HTTP/1.", StringComparison.Ordinal) && status.Contains(" 200 ", StringComparison.Ordinal);
    }
}
