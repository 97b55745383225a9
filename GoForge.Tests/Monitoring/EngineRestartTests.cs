using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Monitoring;
using GoForge.Infrastructure.Docker.Monitoring;
using GoForge.Infrastructure.Docker;
using GoForge.Infrastructure.Monitoring;
using GoForge.Tests.Docker;
using GoForge.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;

namespace GoForge.Tests.Monitoring;

/// <summary>An engine that stops and starts again, on a daemon of this class's own: the shared one never goes away.</summary>
public sealed class EngineRestartTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(240);
    private const string SharedBridge = "/sys/class/net/docker0";
    private PrivateDockerDaemon? _daemon;
    private bool _sharedBridgeBefore;

    private PrivateDockerDaemon Daemon => _daemon ?? throw new InvalidOperationException("The private daemon did not start.");

    public async Task InitializeAsync()
    {
        _sharedBridgeBefore = Directory.Exists(SharedBridge);
        _daemon = await PrivateDockerDaemon.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }
    }

    [Fact]
    public async Task Event_stream_ends_when_the_engine_stops_and_a_new_stream_works_once_it_is_back()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        using var provider = TestContainers.Provider(Daemon.Endpoint);
        var events = new DockerEventSource(provider, NullLogger<DockerEventSource>.Instance);
        var inventory = new DockerContainerInventory(provider);
        var image = await BuildImageAsync(provider, timeout.Token);

        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        await using (var stream = events.StreamAsync(since, timeout.Token).GetAsyncEnumerator(timeout.Token))
        {
            await TagAsync(image, "before", timeout.Token);
            Assert.True(await NextTagAsync(stream), "the stream delivered nothing before the engine stopped");

            await Daemon.StopAsync();

            // However it ends, it ends: completing, or an EngineException (anything else fails the test).
            var ended = await EndAsync(stream);
            Assert.True(ended is null or EngineException, $"the stream ended with {ended}");
        }

        // Meanwhile every engine call says the engine is unavailable, rather than failing some other way.
        await Assert.ThrowsAsync<EngineException>(() => inventory.ListManagedAsync(timeout.Token));
        await Assert.ThrowsAsync<EngineException>(async () =>
        {
            await foreach (var _ in events.StreamAsync(null, timeout.Token))
            {
            }
        });

        await Daemon.StartAgainAsync();

        var againSince = DateTimeOffset.UtcNow.AddSeconds(-1);
        await using var again = events.StreamAsync(againSince, timeout.Token).GetAsyncEnumerator(timeout.Token);
        await TagAsync(image, "after", timeout.Token);
        Assert.True(await NextTagAsync(again), "the new stream delivered nothing after the engine came back");

        // A dockerd with --bridge=none deletes the docker0 it sees; in its own network namespace that is not the host's.
        Assert.Equal(_sharedBridgeBefore, Directory.Exists(SharedBridge));
    }

    /// <summary>No RUN step: this daemon has no bridge network for build containers.</summary>
    private static async Task<string> BuildImageAsync(DockerClientProvider provider, CancellationToken ct)
    {
        using var context = AppContextFolder.Create("""
            FROM scratch
            COPY busybox /bin/busybox
            """);
        var labels = new Dictionary<string, string> { [DockerContainerRuntime.ImageOwnerLabel] = Guid.NewGuid().ToString(), ["goforge.test"] = "monitoring" };
        var built = await new DockerImageBuilder(provider, NullLogger<DockerImageBuilder>.Instance)
            .BuildAsync(new ImageBuildRequest(context.Path, "Dockerfile", "goforge-test/restart:1", new Dictionary<string, string>(), labels), new LineLog(), ct);
        return built.ImageId;
    }

    private Task TagAsync(string image, string tag, CancellationToken ct) =>
        Daemon.Client.Images.TagImageAsync(image, new ImageTagParameters { RepositoryName = "goforge-test/restart", Tag = tag }, ct);

    private static async Task<bool> NextTagAsync(IAsyncEnumerator<EngineEvent> stream)
    {
        while (await stream.MoveNextAsync())
        {
            if (stream.Current is { Type: "image", Action: "tag" })
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<Exception?> EndAsync(IAsyncEnumerator<EngineEvent> stream)
    {
        try
        {
            while (await stream.MoveNextAsync())
            {
            }

            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return e;
        }
    }
}
