using Docker.DotNet.Models;
using GoForge.Core.Monitoring;
using GoForge.Infrastructure.Docker.Monitoring;
using GoForge.Infrastructure.Docker;
using GoForge.Infrastructure.Monitoring;
using GoForge.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;

namespace GoForge.Tests.Monitoring;

[Collection(DockerCollection.Name)]
public sealed class DockerEventSourceTests(DockerFixture fixture) : IDisposable
{
    private readonly DockerClientProvider _provider = TestContainers.Provider(fixture.Endpoint);

    [Fact]
    public async Task Start_die_and_destroy_of_a_container_arrive_with_its_labels()
    {
        var application = Guid.NewGuid();
        string? id = null;
        try
        {
            using var timeout = new CancellationTokenSource(TestContainers.Timeout);
            // From a moment before the container exists, so no event is missed however late the stream opens.
            var since = DateTimeOffset.UtcNow.AddSeconds(-1);
            id = await TestContainers.RunAsync(fixture.Client, "exec sleep 600", TestContainers.Managed(application, Guid.NewGuid()), ct: timeout.Token);
            await fixture.Client.Containers.KillContainerAsync(id, new ContainerKillParameters(), timeout.Token);
            await fixture.Client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, timeout.Token);

            var source = new DockerEventSource(_provider, NullLogger<DockerEventSource>.Instance);
            var containerId = id;
            var events = await source.StreamAsync(since, timeout.Token)
                .Where(e => e.ActorId == containerId)
                .TakeWhile(e => e.Action != "destroy")
                .ToListAsync(timeout.Token);

            var actions = events.Select(e => e.Action).ToList();
            Assert.Contains("create", actions);
            Assert.Contains("start", actions);
            Assert.Contains("die", actions);
            Assert.True(actions.IndexOf("start") < actions.IndexOf("die"), string.Join(", ", actions));
            Assert.All(events, e => Assert.Equal("container", e.Type));
            Assert.All(events, e => Assert.Equal(application.ToString(), e.Attributes[DockerContainerRuntime.ImageOwnerLabel]));
            var die = events.First(e => e.Action == "die");
            Assert.Equal("137", die.Attributes["exitCode"]);
            Assert.All(events, e => Assert.InRange(e.Time, since, DateTimeOffset.UtcNow.AddMinutes(1)));
        }
        finally
        {
            await TestContainers.RemoveAsync(fixture.Client, id);
        }
    }

    [Fact]
    public async Task Destroy_event_arrives_for_a_removed_container()
    {
        string? id = null;
        try
        {
            using var timeout = new CancellationTokenSource(TestContainers.Timeout);
            var since = DateTimeOffset.UtcNow.AddSeconds(-1);
            id = await TestContainers.RunAsync(fixture.Client, "exec sleep 600", ct: timeout.Token);
            await TestContainers.RemoveAsync(fixture.Client, id);

            var containerId = id;
            var destroy = await new DockerEventSource(_provider, NullLogger<DockerEventSource>.Instance)
                .StreamAsync(since, timeout.Token)
                .FirstAsync(e => e.ActorId == containerId && e.Action == "destroy", timeout.Token);

            Assert.Equal("monitoring", destroy.Attributes["goforge.test"]);
        }
        finally
        {
            await TestContainers.RemoveAsync(fixture.Client, id);
        }
    }

    [Fact]
    public void Event_without_a_type_or_action_is_skipped_and_nanosecond_time_is_kept()
    {
        Assert.Null(DockerEventSource.Map(new Message { Action = "start" }));

        var mapped = DockerEventSource.Map(new Message
        {
            Type = "network",
            Action = "connect",
            Actor = new Actor { ID = "n1", Attributes = new Dictionary<string, string> { ["container"] = "c1" } },
            Time = 1_764_575_000,
            TimeNano = 1_764_575_000_123_456_789,
        });

        Assert.NotNull(mapped);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_764_575_000).AddTicks(1_234_567), mapped.Time);
        Assert.Equal("c1", mapped.Attributes["container"]);
    }

    public void Dispose() => _provider.Dispose();
}
