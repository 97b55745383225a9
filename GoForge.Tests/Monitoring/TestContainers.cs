using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Infrastructure.Docker;
using GoForge.Tests.Docker;
using GoForge.Tests.Harness;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Monitoring;

/// <summary>Busybox containers for the monitoring tests: network mode none, labelled <c>goforge.test</c>, removed by the test.</summary>
internal static class TestContainers
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static DockerClientProvider Provider(Uri endpoint) => new(Options.Create(new DockerOptions { Endpoint = endpoint }));

    /// <summary>The labels GoForge puts on an application's container, for one made-up application and deployment.</summary>
    public static Dictionary<string, string> Managed(Guid application, Guid deployment) => new()
    {
        [DockerContainerRuntime.ManagedLabel] = "true",
        [DockerContainerRuntime.ImageOwnerLabel] = application.ToString(),
        ["goforge.deployment"] = deployment.ToString(),
    };

    /// <summary>Creates (and unless told otherwise starts) a busybox container running <paramref name="script"/>.</summary>
    public static async Task<string> RunAsync(
        IDockerClient docker,
        string script,
        IReadOnlyDictionary<string, string>? labels = null,
        long memoryBytes = 0,
        RestartPolicy? restart = null,
        bool start = true,
        CancellationToken ct = default)
    {
        var image = await BusyboxImage.EnsureAsync(docker, ct);
        var allLabels = new Dictionary<string, string>(labels ?? new Dictionary<string, string>()) { ["goforge.test"] = "monitoring" };
        var created = await docker.Containers.CreateContainerAsync(
            new CreateContainerParameters
            {
                Name = Unique.Name("mon"),
                Image = image,
                Cmd = ["/bin/sh", "-c", script],
                Labels = allLabels,
                HostConfig = new HostConfig
                {
                    NetworkMode = "none",
                    Memory = memoryBytes,
                    RestartPolicy = restart ?? new RestartPolicy { Name = RestartPolicyKind.No },
                },
            },
            ct);
        if (start)
        {
            await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct);
        }

        return created.ID;
    }

    public static async Task RemoveAsync(IDockerClient docker, string? id)
    {
        if (id is null)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            await docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, timeout.Token);
        }
        catch (DockerApiException e) when (e.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Conflict)
        {
            // Gone already, or its removal is in progress.
        }
    }
}
