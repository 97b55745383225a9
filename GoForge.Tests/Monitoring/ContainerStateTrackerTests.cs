using System.Collections.Concurrent;
using GoForge.Core.Monitoring;
using GoForge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Monitoring;

/// <summary>
/// The events subscriber over a test-driven engine: the first sync, live changes, what it ignores, reconnecting
/// after the engine goes away and resyncing what changed meanwhile, and opening stats for running containers.
/// Against the real engine (a dockerd restarted by the test) in <see cref="TrackerOnRealEngineTests"/>.
/// </summary>
public sealed class ContainerStateTrackerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly Guid App = Guid.NewGuid();
    private readonly FakeEngine _engine = new();
    private readonly ContainerStatsHub _stats;
    private readonly ContainerStateTracker _tracker;
    private readonly ConcurrentQueue<ContainerStateChange> _changes = new();

    public ContainerStateTrackerTests()
    {
        var options = Options.Create(new MonitoringOptions { MaxReconnectDelay = TimeSpan.FromSeconds(1), Linger = TimeSpan.Zero });
        _stats = new ContainerStatsHub(_engine, options, TimeProvider.System, NullLogger<ContainerStatsHub>.Instance);
        _tracker = new ContainerStateTracker(_engine, _engine, _stats, options, TimeProvider.System, NullLogger<ContainerStateTracker>.Instance);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _tracker.StopAsync(CancellationToken.None);
        _tracker.Dispose();
        await _stats.DisposeAsync();
    }

    private static async Task UntilAsync(Func<bool> condition, string what) =>
        await Wait.UntilAsync(() => Task.FromResult(condition()), what, Timeout);

    private async Task StartAsync()
    {
        await _tracker.StartAsync(CancellationToken.None);
        await _tracker.FirstSync.WaitAsync(Timeout);
    }

    [Fact]
    public async Task The_first_sync_lists_existing_containers_and_opens_stats_for_running_ones()
    {
        _engine.Put(FakeEngine.Running(App, "c1"));
        _engine.Put(FakeEngine.Running(App, "c2") with { State = ContainerRunState.Exited, ExitCode = 0 });

        await StartAsync();

        Assert.Equal(["c1", "c2"], _tracker.All().Select(c => c.Id).Order());
        Assert.Equal("c1", _tracker.CurrentFor(App)?.Id);
        await UntilAsync(() => _engine.StatsStreamsOpen == 1, "the running container's stats stream");
        Assert.True(_tracker.EngineConnected);
    }

    [Fact]
    public async Task A_container_that_dies_is_pushed_to_subscribers_of_its_application_only()
    {
        var other = Guid.NewGuid();
        await StartAsync();
        using var mine = _tracker.Subscribe(_changes.Enqueue, App);
        var theirs = 0;
        using var _ = _tracker.Subscribe(c => { if (c.Container is not null) { Interlocked.Increment(ref theirs); } }, other);

        _engine.Put(FakeEngine.Running(App, "c1"));
        _engine.Put(FakeEngine.Running(App, "c1") with { State = ContainerRunState.Exited, ExitCode = 137 }, "die");

        await UntilAsync(() => _changes.Any(c => c.Container is { State: ContainerRunState.Exited, ExitCode: 137 }), "the die to arrive");
        Assert.Equal(0, Volatile.Read(ref theirs));
        Assert.True(_tracker.CurrentFor(App)!.IsUnhealthy);
        await UntilAsync(() => _engine.StatsStreamsOpen == 0, "stats to close for the dead container once it lingered");
    }

    [Fact]
    public async Task Containers_without_goforges_label_and_non_state_events_are_ignored()
    {
        await StartAsync();
        using var watch = _tracker.Subscribe(_changes.Enqueue);

        _engine.Put(FakeEngine.Running(App, "foreign") with { Labels = new Dictionary<string, string>() });
        _engine.Put(FakeEngine.Running(App, "c1"), "exec_start: sh");
        _engine.Put(FakeEngine.Running(App, "c2"));

        await UntilAsync(() => _tracker.Find("c2") is not null, "the labelled start");
        Assert.Null(_tracker.Find("foreign"));
        Assert.Null(_tracker.Find("c1"));
    }

    [Fact]
    public async Task A_destroyed_container_is_pushed_as_removed_and_forgotten()
    {
        await StartAsync();
        _engine.Put(FakeEngine.Running(App, "c1"));
        await UntilAsync(() => _tracker.Find("c1") is not null, "the start");
        using var watch = _tracker.Subscribe(_changes.Enqueue, App);

        _engine.Remove("c1");

        await UntilAsync(() => _changes.Any(c => c.Container is { Id: "c1", State: ContainerRunState.Removed }), "the removal");
        Assert.Null(_tracker.CurrentFor(App));
    }

    [Fact]
    public async Task After_the_engine_goes_away_it_reconnects_and_resyncs_what_changed_meanwhile()
    {
        _engine.Put(FakeEngine.Running(App, "c1"));
        _engine.Put(FakeEngine.Running(App, "gone-meanwhile"));
        await StartAsync();
        using var watch = _tracker.Subscribe(_changes.Enqueue);
        var syncs = _tracker.Syncs;

        // The engine restarts: the stream breaks and, while it is down, c1 exits and another container goes.
        _engine.Unreachable = true;
        _engine.DropEvents();
        await UntilAsync(() => !_tracker.EngineConnected, "the tracker to see the engine gone");
        _engine.Put(FakeEngine.Running(App, "c1") with { State = ContainerRunState.Exited, ExitCode = 255 }, "die");
        _engine.Remove("gone-meanwhile");
        _engine.DropEvents(); // what happened while down is not on the next stream: only a resync can find it
        _engine.Unreachable = false;

        await UntilAsync(() => _tracker.EngineConnected && _tracker.Syncs > syncs, "a reconnect and resync");
        Assert.Equal(ContainerRunState.Exited, _tracker.Find("c1")?.State);
        Assert.Null(_tracker.Find("gone-meanwhile"));
        Assert.Contains(_changes, c => c.Container is null && !c.EngineConnected);
        Assert.Contains(_changes, c => c.Container is null && c.EngineConnected);
        Assert.Contains(_changes, c => c.Container is { Id: "gone-meanwhile", State: ContainerRunState.Removed });
    }

    [Fact]
    public async Task A_failing_subscriber_does_not_stop_the_tracker()
    {
        await StartAsync();
        using var bad = _tracker.Subscribe(_ => throw new InvalidOperationException("viewer bug"));

        _engine.Put(FakeEngine.Running(App, "c1"));
        _engine.Put(FakeEngine.Running(App, "c2"));

        await UntilAsync(() => _tracker.Find("c2") is not null, "events after the failing subscriber");
    }

    [Fact]
    public async Task A_die_is_pushed_from_the_event_before_the_engine_answers_the_inspect()
    {
        _engine.Put(FakeEngine.Running(App, "c1"));
        await StartAsync();
        using var watch = _tracker.Subscribe(_changes.Enqueue, App);
        var running = _tracker.Find("c1")!;
        var inspect = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _engine.HoldInspect = inspect.Task;

        _engine.Put(running with { State = ContainerRunState.Exited, ExitCode = 137, FinishedAt = DateTimeOffset.UtcNow }, "die", new Dictionary<string, string> { ["exitCode"] = "137" });

        await UntilAsync(() => _changes.Any(c => c.Container is { State: ContainerRunState.Exited, ExitCode: 137, FinishedAt: null }), "the die, from the event alone");
        Assert.False(_tracker.CurrentFor(App)!.IsRunning);
        inspect.SetResult();
        await UntilAsync(() => _changes.Any(c => c.Container is { State: ContainerRunState.Exited, FinishedAt: not null }), "the inspect's finish time");
    }

    [Fact]
    public async Task An_event_that_changes_nothing_is_not_pushed_again()
    {
        _engine.Put(FakeEngine.Running(App, "c1"));
        await StartAsync();
        using var watch = _tracker.Subscribe(_changes.Enqueue, App);
        var same = _tracker.Find("c1")! with { Labels = new Dictionary<string, string>(_tracker.Find("c1")!.Labels) };

        // The engine's kill before a stop: a new inspect, new label dictionary, same container.
        _engine.Put(same, "kill");
        _engine.Put(same with { State = ContainerRunState.Exited, ExitCode = 0 }, "die");

        await UntilAsync(() => _changes.Any(c => c.Container?.State == ContainerRunState.Exited), "the die");
        Assert.Single(_changes);
    }
}
