using System.Globalization;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace GoForge.Infrastructure.Docker;

/// <summary>A container's last log lines (stdout and stderr), for a deployment log that says why it failed.</summary>
internal static class ContainerLogTail
{
    /// <summary>At most <paramref name="lines"/> non-empty lines; none when the container no longer exists.</summary>
    public static async Task<IReadOnlyList<string>> ReadAsync(IDockerClient client, string containerId, int lines, CancellationToken ct)
    {
        try
        {
            var parameters = new ContainerLogsParameters
            {
                ShowStdout = true,
                ShowStderr = true,
                Tail = lines.ToString(CultureInfo.InvariantCulture),
            };
            using var stream = await client.Containers.GetContainerLogsAsync(containerId, parameters, ct);
            var text = new StringBuilder();
            var buffer = new byte[8192];
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, ct);
                if (read.EOF)
                {
                    break;
                }

                text.Append(Encoding.UTF8.GetString(buffer, 0, read.Count));
            }

            return text.ToString().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).TakeLast(lines).ToList();
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            return [];
        }
    }
}
