using GoForge.Core.Monitoring;
using GoForge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GoForge.Tests.Monitoring;

/// <summary>The shared stats streams: one per container however many watch, opened and closed by need, with a bounded history.</summary>
public sealed class ContainerStatsHubTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly FakeEngine _engine = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private ContainerStatsHub _hub = null!;

    public Task InitializeAsync()
    {
        _hub = Hub(new MonitoringOptions { HistoryPoints = 5, Linger = TimeSpan.FromSeconds(10) });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    private ContainerStatsHub Hub(MonitoringOptions options) =>
        new(_engine, Options.Create(options), _time, NullLogger<ContainerStatsHub>.Instance);

    private static async Task UntilAsync(Func<bool> condition, string what) =>
        await Wait.UntilAsync(() => Task.FromResult(condition()), what, Timeout);

    [Fact]
    public async Task Two_viewers_of_one_container_share_one_engine_stream_and_both_get_every_point()
    {
        var first = new List<ContainerStatsSample>();
        var second = new List<ContainerStatsSample>();
        using var a = _hub.Subscribe("c1", s => { lock (first) { first.Add(s); } });
        using var b = _hub.Subscribe("c1", s => { lock (second) { second.Add(s); } });
        await UntilAsync(() => _engine.StatsStreamsOpen == 1, "the stream to open");

        _engine.WriteStats("c1", FakeEngine.Reading(_time.GetUtcNow(), 50, 100));
        _engine.WriteStats("c1", FakeEngine.Reading(_time.GetUtcNow().AddSeconds(1), 25, 120));

        await UntilAsync(() => { lock (second) { return second.Count == 2; } }, "both points at the second viewer");
        Assert.Equal(1, _engine.StatsStreamsOpen);
        lock (first)
        {
            Assert.Equal([50.0, 25.0], first.Select(s => Math.Round(s.CpuPercent, 1)));
        }

        Assert.Equal(120UL * 1024 * 1024, second[1].MemoryUsedBytes);
    }

    [Fact]
    public async Task Rates_come_from_consecutive_readings_and_the_first_point_has_none()
    {
        var points = new List<ContainerStatsSample>();
        using var watch = _hub.Subscribe("c1", s => { lock (points) { points.Add(s); } });
        var t0 = _time.GetUtcNow();

        _engine.WriteStats("c1", FakeEngine.Reading(t0, 0, 10, rxBytes: 1_000, txBytes: 500));
        _engine.WriteStats("c1", FakeEngine.Reading(t0.AddSeconds(2), 0, 10, rxBytes: 5_000, txBytes: 1_500));

        await UntilAsync(() => { lock (points) { return points.Count == 2; } }, "two points");
        Assert.Equal(0, points[0].NetworkRxPerSecond);
        Assert.Equal(2_000, points[1].NetworkRxPerSecond);
        Assert.Equal(500, points[1].NetworkTxPerSecond);
    }

    [Fact]
    public async Task History_keeps_only_the_newest_points_oldest_first()
    {
        using var watch = _hub.Subscribe("c1", _ => { });
        var t0 = _time.GetUtcNow();
        for (var i = 0; i < 8; i++)
        {
            _engine.WriteStats("c1", FakeEngine.Reading(t0.AddSeconds(i), i, 10));
        }

        await UntilAsync(() => _hub.History("c1").Count == 5 && _hub.History("c1")[^1].Time == t0.AddSeconds(7), "the ring to hold the last five");
        Assert.Equal(Enumerable.Range(3, 5).Select(i => t0.AddSeconds(i)), _hub.History("c1").Select(p => p.Time));
    }

    [Fact]
    public async Task The_stream_closes_only_after_the_linger_once_the_last_viewer_goes()
    {
        var watch = _hub.Subscribe("c1", _ => { });
        await UntilAsync(() => _engine.StatsStreamsOpen == 1, "the stream to open");

        watch.Dispose();
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(1, _hub.OpenStreams);

        // A page reload within the linger reuses the stream.
        using (_hub.Subscribe("c1", _ => { }))
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            Assert.Equal(1, _hub.OpenStreams);
        }

        _time.Advance(TimeSpan.FromSeconds(10));
        await UntilAsync(() => _engine.StatsStreamsOpen == 0, "the engine stream to close");
        Assert.Equal(0, _hub.OpenStreams);
        Assert.Equal(0, _hub.SubscriberCount);
        Assert.Empty(_hub.History("c1"));
    }

    [Fact]
    public async Task A_pinned_container_is_collected_without_viewers_and_its_history_is_there_when_one_comes()
    {
        _hub.Pin("c1");
        await UntilAsync(() => _engine.StatsStreamsOpen == 1, "the pinned stream to open");
        _engine.WriteStats("c1", FakeEngine.Reading(_time.GetUtcNow(), 10, 10));
        await UntilAsync(() => _hub.History("c1").Count == 1, "a point collected while nobody watched");

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, _engine.StatsStreamsOpen);

        _hub.Unpin("c1");
        _time.Advance(TimeSpan.FromSeconds(11));
        await UntilAsync(() => _engine.StatsStreamsOpen == 0, "the unpinned stream to close");
    }

    [Fact]
    public async Task A_stream_the_engine_ends_opens_again_when_the_container_is_pinned_again()
    {
        _hub.Pin("c1");
        await UntilAsync(() => _engine.StatsStreamsOpen == 1, "the stream to open");

        _engine.EndStreams("c1");
        await UntilAsync(() => _hub.OpenStreams == 0, "the pump to end with the stream");

        _hub.Pin("c1");
        await UntilAsync(() => _engine.StatsStreamsOpen == 1, "a new stream after the restart");
    }

    [Fact]
    public async Task A_failing_viewer_does_not_stop_the_stream_or_the_others()
    {
        var got = 0;
        using var bad = _hub.Subscribe("c1", _ => throw new InvalidOperationException("viewer bug"));
        using var good = _hub.Subscribe("c1", _ => Interlocked.Increment(ref got));

        _engine.WriteStats("c1", FakeEngine.Reading(_time.GetUtcNow(), 1, 1));
        _engine.WriteStats("c1", FakeEngine.Reading(_time.GetUtcNow().AddSeconds(1), 1, 1));

        await UntilAsync(() => Volatile.Read(ref got) == 2, "both points at the good viewer");
    }

    [Fact]
    public async Task Disposing_the_hub_ends_every_stream()
    {
        var hub = Hub(new MonitoringOptions());
        hub.Pin("c1");
        hub.Subscribe("c2", _ => { });
        await UntilAsync(() => _engine.StatsStreamsOpen == 2, "two streams");

        await hub.DisposeAsync();

        Assert.Equal(0, _engine.StatsStreamsOpen);
    }
}
