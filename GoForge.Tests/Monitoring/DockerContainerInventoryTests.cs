using Docker.DotNet.Models;
using GoForge.Core.Monitoring;
using GoForge.Infrastructure.Docker.Monitoring;
using GoForge.Infrastructure.Docker;
using GoForge.Infrastructure.Monitoring;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Monitoring;

[Collection(DockerCollection.Name)]
public sealed class DockerContainerInventoryTests(DockerFixture fixture) : IDisposable
{
    private readonly DockerClientProvider _provider = TestContainers.Provider(fixture.Endpoint);

    private DockerContainerInventory Inventory => new(_provider);

    [Fact]
    public async Task Managed_container_is_listed_with_its_application_and_an_unlabelled_one_is_not()
    {
        var application = Guid.NewGuid();
        var deployment = Guid.NewGuid();
        string? managed = null, unlabelled = null;
        try
        {
            using var timeout = new CancellationTokenSource(TestContainers.Timeout);
            managed = await TestContainers.RunAsync(fixture.Client, "exec sleep 600", TestContainers.Managed(application, deployment), ct: timeout.Token);
            unlabelled = await TestContainers.RunAsync(fixture.Client, "exec sleep 600", ct: timeout.Token);

            var listed = await Inventory.ListManagedAsync(timeout.Token);

            Assert.DoesNotContain(listed, c => c.Id == unlabelled);
            var snapshot = Assert.Single(listed, c => c.Id == managed);
            Assert.Equal(application, snapshot.ApplicationId);
            Assert.Equal(deployment, snapshot.DeploymentId);
            Assert.Equal(ContainerRunState.Running, snapshot.State);
            Assert.True(snapshot.IsRunning);
            Assert.False(snapshot.IsUnhealthy);
            Assert.Equal(ContainerHealthState.None, snapshot.Health);
            Assert.Equal(BusyboxImage.Tag, snapshot.Image);
            var name = (await fixture.Client.Containers.InspectContainerAsync(managed, timeout.Token)).Name;
            Assert.Equal(name.TrimStart('/'), snapshot.Name);
            Assert.DoesNotContain('/', snapshot.Name);
            Assert.NotNull(snapshot.StartedAt);
            Assert.Null(snapshot.FinishedAt);
            Assert.Equal("true", snapshot.Labels[DockerContainerRuntime.ManagedLabel]);
        }
        finally
        {
            await TestContainers.RemoveAsync(fixture.Client, managed);
            await TestContainers.RemoveAsync(fixture.Client, unlabelled);
        }
    }

    [Fact]
    public async Task Inspect_of_a_removed_container_is_null()
    {
        using var timeout = new CancellationTokenSource(TestContainers.Timeout);
        var id = await TestContainers.RunAsync(fixture.Client, "exec sleep 600", ct: timeout.Token);
        await TestContainers.RemoveAsync(fixture.Client, id);

        Assert.Null(await Inventory.InspectAsync(id, timeout.Token));
    }

    [Fact]
    public async Task Created_container_that_never_ran_has_no_start_or_finish_time()
    {
        string? id = null;
        try
        {
            using var timeout = new CancellationTokenSource(TestContainers.Timeout);
            id = await TestContainers.RunAsync(fixture.Client, "exec sleep 600", start: false, ct: timeout.Token);

            var snapshot = await Inventory.InspectAsync(id, timeout.Token);

            Assert.NotNull(snapshot);
            Assert.Equal(ContainerRunState.Created, snapshot.State);
            // The engine reports Go's zero time, 0001-01-01T00:00:00Z, for both.
            Assert.Null(snapshot.StartedAt);
            Assert.Null(snapshot.FinishedAt);
        }
        finally
        {
            await TestContainers.RemoveAsync(fixture.Client, id);
        }
    }

    [Fact]
    public async Task Exit_code_and_restart_count_are_read_from_the_engine()
    {
        string? id = null;
        try
        {
            using var timeout = new CancellationTokenSource(TestContainers.Timeout);
            id = await TestContainers.RunAsync(
                fixture.Client,
                "exit 3",
                TestContainers.Managed(Guid.NewGuid(), Guid.NewGuid()),
                restart: new RestartPolicy { Name = RestartPolicyKind.OnFailure, MaximumRetryCount = 2 },
                ct: timeout.Token);
            var containerId = id;
            ContainerSnapshot? snapshot = null;

            // The engine restarts it twice, then leaves it exited.
            await Wait.UntilAsync(
                async () => (snapshot = await Inventory.InspectAsync(containerId, timeout.Token)) is { State: ContainerRunState.Exited, RestartCount: 2 },
                "the container to exit after its second restart",
                TestContainers.Timeout);

            Assert.NotNull(snapshot);
            Assert.Equal(3, snapshot.ExitCode);
            Assert.True(snapshot.IsUnhealthy);
            Assert.NotNull(snapshot.StartedAt);
            // Not compared with StartedAt: for a process this short the engine can record its exit (containerd's
            // clock) a little before its own start time.
            Assert.NotNull(snapshot.FinishedAt);
        }
        finally
        {
            await TestContainers.RemoveAsync(fixture.Client, id);
        }
    }

    public void Dispose() => _provider.Dispose();
}
