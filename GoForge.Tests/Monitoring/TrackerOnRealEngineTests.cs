using System.Collections.Concurrent;
using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Monitoring;
using GoForge.Infrastructure.Docker.Monitoring;
using GoForge.Infrastructure.Docker;
using GoForge.Infrastructure.Monitoring;
using GoForge.Tests.Docker;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Monitoring;

/// <summary>
/// The real <see cref="ContainerStateTracker"/> as the panel runs it — a hosted service over the real inventory, events
/// and stats adapters — on a dockerd of this class's own, which the test stops and starts again (the shared daemon
/// serves every other test and never goes away). The same behaviour over a test-driven engine is in
/// <see cref="ContainerStateTrackerTests"/>.
/// </summary>
public sealed class TrackerOnRealEngineTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    // Busy enough that a stats reading shows CPU, and leaves at once on SIGTERM (a shell as PID 1 has no default handler).
    private const string Busy = "trap 'exit 0' TERM; while :; do i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done; sleep 0.2 & wait $!; done";

    private readonly Guid _application = Guid.NewGuid();
    private readonly ConcurrentQueue<Observed> _changes = new();
    private PrivateDockerDaemon? _daemon;
    private IHost? _host;
    private string? _image;

    private PrivateDockerDaemon Daemon => _daemon ?? throw new InvalidOperationException("The private daemon did not start.");

    private IHost Host => _host ?? throw new InvalidOperationException("The tracker's host did not start.");

    private ContainerStateTracker Tracker => Host.Services.GetRequiredService<ContainerStateTracker>();

    private ContainerStatsHub Hub => Host.Services.GetRequiredService<ContainerStatsHub>();

    public async Task InitializeAsync()
    {
        _daemon = await PrivateDockerDaemon.StartAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        _image = await BuildImageAsync(timeout.Token);
        _host = BuildHost(Daemon.Endpoint);
        await _host.StartAsync(timeout.Token);
        await Tracker.FirstSync.WaitAsync(Timeout);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync(CancellationToken.None);
            _host.Dispose();
        }

        if (_daemon is not null)
        {
            // Removes every container it ran, with its data folder.
            await _daemon.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_labelled_container_is_seen_starting_with_its_stats_and_dying_with_its_exit_code()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        using var watch = Tracker.Subscribe(Record(), _application);

        var id = await RunAsync(Busy, timeout.Token);

        await UntilAsync(() => Tracker.Find(id) is { State: ContainerRunState.Running }, "the tracker to see the container running");
        var running = Tracker.CurrentFor(_application);
        Assert.Equal(id, running?.Id);
        Assert.Equal(_application, running?.ApplicationId);
        await UntilAsync(() => Hub.History(id).Count >= 2, "the running container's stats to be collected");
        Assert.All(Hub.History(id), s => Assert.InRange(s.CpuPercent, 0, 100.0 * Environment.ProcessorCount));
        Assert.All(Hub.History(id), s => Assert.True(s.MemoryUsedBytes > 0, "a running shell uses some memory"));

        await Daemon.Client.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "KILL" }, timeout.Token);

        await UntilAsync(() => Tracker.Find(id) is { State: ContainerRunState.Exited }, "the tracker to see the container exit");
        Assert.Equal(137, Tracker.Find(id)!.ExitCode);
        Assert.True(Tracker.Find(id)!.IsUnhealthy);
        Assert.Contains(_changes, c => c.Change.Container is { State: ContainerRunState.Running } r && r.Id == id);
        Assert.Contains(_changes, c => c.Change.Container is { State: ContainerRunState.Exited, ExitCode: 137 } e && e.Id == id);
        Assert.True(Tracker.EngineConnected);
    }

    [Fact]
    public async Task After_a_dockerd_restart_it_reconnects_resyncs_what_dockerd_stopped_and_removed_and_sees_new_containers()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var stopped = await RunAsync(Busy, timeout.Token);
        var autoRemoved = await RunAsync(Busy, timeout.Token, autoRemove: true);
        await UntilAsync(() => Tracker.Find(stopped) is { IsRunning: true } && Tracker.Find(autoRemoved) is { IsRunning: true }, "the tracker to see both containers running");
        var syncs = Tracker.Syncs;
        using var watch = Tracker.Subscribe(Record());

        // dockerd stops its containers on the way down (and removes the auto-remove one, now or when it starts again).
        await Daemon.StopAsync();

        await UntilAsync(() => !Tracker.EngineConnected, "the tracker to see the engine gone");
        var lost = _changes.First(c => c.Change is { Container: null, EngineConnected: false });

        // dockerd stops listening before it stops its containers: the open events stream still brings the first kill,
        // but the inspect the tracker makes for it is refused, so it drops the stream knowing both as running. (Had it
        // read the stop, this run could not show the resync.)
        Assert.Equal(ContainerRunState.Running, lost.Known.GetValueOrDefault(stopped)?.State);
        Assert.Equal(ContainerRunState.Running, lost.Known.GetValueOrDefault(autoRemoved)?.State);

        // Meanwhile nothing can be observed: every engine call says so, and the tracker stays disconnected.
        var inventory = Host.Services.GetRequiredService<IContainerInventory>();
        await Assert.ThrowsAsync<EngineException>(() => inventory.ListManagedAsync(timeout.Token));
        Assert.False(Tracker.EngineConnected);

        await Daemon.StartAgainAsync();

        await UntilAsync(() => Tracker.EngineConnected && Tracker.Syncs > syncs, "the tracker to reconnect and resync");

        // What the tracker knew when it said "connected" again came from the resync alone: it handles the new
        // stream's events only after that.
        var back = _changes.First(c => c.Change is { Container: null, EngineConnected: true });
        Assert.Equal(ContainerRunState.Exited, back.Known.GetValueOrDefault(stopped)?.State);
        Assert.Equal(0, back.Known[stopped].ExitCode);
        Assert.False(back.Known.ContainsKey(autoRemoved), "the auto-remove container is still known after the resync");
        var beforeBack = _changes.TakeWhile(c => !ReferenceEquals(c, back)).Select(c => c.Change.Container).OfType<ContainerSnapshot>().ToList();
        Assert.Contains(beforeBack, c => c.Id == stopped && c.State == ContainerRunState.Exited);
        Assert.Contains(beforeBack, c => c.Id == autoRemoved && c.State == ContainerRunState.Removed);
        Assert.Equal(ContainerRunState.Exited, Tracker.Find(stopped)?.State);
        Assert.Null(Tracker.Find(autoRemoved));

        // The new stream works: a container started after the restart is seen.
        var after = await RunAsync(Busy, timeout.Token);
        await UntilAsync(() => Tracker.Find(after) is { State: ContainerRunState.Running }, "the tracker to see a container started after the restart");
        Assert.Equal(after, Tracker.CurrentFor(_application)?.Id);
    }

    /// <summary>
    /// Keeps every change with what the tracker knew at that moment: it publishes on its own loop, so a connection
    /// change is seen exactly between the resync before it and the events after it.
    /// </summary>
    private Action<ContainerStateChange> Record() =>
        change => _changes.Enqueue(new Observed(change, Tracker.All().ToDictionary(c => c.Id, StringComparer.Ordinal)));

    private static Task UntilAsync(Func<bool> condition, string what) =>
        Wait.UntilAsync(() => Task.FromResult(condition()), what, Timeout);

    private IHost BuildHost(Uri endpoint)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = endpoint.ToString(),
            ["GoForge:Monitoring:MaxReconnectDelay"] = "00:00:01",
        });
        var services = builder.Services;
        services.AddLogging();
        services.AddOptions<DockerOptions>().BindConfiguration(DockerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MonitoringOptions>().BindConfiguration(MonitoringOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<MonitoringOptions>, MonitoringOptionsValidator>();
        services.AddMonitoringAdapters();
        services.AddSingleton<ContainerStatsHub>();
        services.AddSingleton<ContainerStateTracker>();
        services.AddHostedService(sp => sp.GetRequiredService<ContainerStateTracker>());
        return builder.Build();
    }

    /// <summary>No RUN step: this daemon has no bridge network for build containers; the shell is busybox's own.</summary>
    private async Task<string> BuildImageAsync(CancellationToken ct)
    {
        using var context = AppContextFolder.Create("""
            FROM scratch
            COPY busybox /bin/busybox
            """);
        using var provider = TestContainers.Provider(Daemon.Endpoint);
        var labels = new Dictionary<string, string> { ["goforge.test"] = "monitoring" };
        var built = await new DockerImageBuilder(provider, NullLogger<DockerImageBuilder>.Instance)
            .BuildAsync(new ImageBuildRequest(context.Path, "Dockerfile", "goforge-test/tracker:1", new Dictionary<string, string>(), labels), new LineLog(), ct);
        return built.ImageId;
    }

    private async Task<string> RunAsync(string script, CancellationToken ct, bool autoRemove = false)
    {
        var labels = TestContainers.Managed(_application, Guid.NewGuid());
        labels["goforge.test"] = "monitoring";
        var created = await Daemon.Client.Containers.CreateContainerAsync(
            new CreateContainerParameters
            {
                Name = Unique.Name("tracker"),
                Image = _image ?? throw new InvalidOperationException("The test image was not built."),
                Cmd = ["/bin/busybox", "sh", "-c", script],
                Labels = labels,
                HostConfig = new HostConfig
                {
                    NetworkMode = "none",
                    RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.No },
                    AutoRemove = autoRemove,
                },
            },
            ct);
        await Daemon.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct);
        return created.ID;
    }

    private sealed record Observed(ContainerStateChange Change, IReadOnlyDictionary<string, ContainerSnapshot> Known);
}
