using Docker.DotNet;

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
}
