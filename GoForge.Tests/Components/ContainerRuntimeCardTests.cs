using Bunit;
using GoForge.Core.Monitoring;
using GoForge.Core.Projects;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Monitoring;
using GoForge.Web.Components.Shared;
using Microsoft.Extensions.Time.Testing;

namespace GoForge.Tests.Components;

/// <summary>
/// The runtime card on a fake clock: the throttle's second passes only when the test advances it, so "within the
/// throttle" is exact. The engine (FakeEngine), tracker, stats hub and MonitoringService are the real ones.
/// </summary>
public sealed class ContainerRuntimeCardTests : MonitoringUiTest
{
    private readonly FakeTimeProvider _clock;

    public ContainerRuntimeCardTests()
        : this(new FakeTimeProvider(DateTimeOffset.UtcNow))
    {
    }

    private ContainerRuntimeCardTests(FakeTimeProvider clock)
        : base(clock) => _clock = clock;

    [Fact]
    public async Task Stats_written_to_the_engine_appear_in_the_charts()
    {
        this.SignIn(Ada);
        var app = await StartAsync();
        var container = await PutAsync(Running(app, "c1", upFor: TimeSpan.FromHours(2)));
        var card = RenderCard(app);
        card.WaitForAssertion(() => Assert.Equal("Running", Chip(card)), WaitTimeout);
        Assert.Equal("2 h 0 min", card.Find("[data-testid=runtime-uptime]").TextContent);
        Assert.Equal("0", card.Find("[data-testid=runtime-restarts]").TextContent);
        Assert.Equal("—", Latest(card, "chart-cpu"));

        var first = _clock.GetUtcNow();
        Engine.WriteStats(container.Id, FakeEngine.Reading(first, cpuPercentOfOneCore: 50, memoryMb: 100, rxBytes: 1000));

        card.WaitForAssertion(() => Assert.Equal(("1", "50.0 %"), (Points(card, "chart-cpu"), Latest(card, "chart-cpu"))), WaitTimeout);
        Assert.Equal("100 MB / 512 MB (20 %)", Latest(card, "chart-memory"));

        // Within the same second: held back until the throttle's second has passed.
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        Engine.WriteStats(container.Id, FakeEngine.Reading(first.AddSeconds(1), cpuPercentOfOneCore: 20, memoryMb: 120, rxBytes: 3048));
        _clock.Advance(RenderThrottle.DefaultInterval);

        card.WaitForAssertion(() => Assert.Equal(("2", "20.0 %"), (Points(card, "chart-cpu"), Latest(card, "chart-cpu"))), WaitTimeout);
        Assert.Equal("120 MB / 512 MB (23 %)", Latest(card, "chart-memory"));
        Assert.StartsWith("rx 2 KB/s", Latest(card, "chart-network"), StringComparison.Ordinal);
        Assert.Equal("2", Points(card, "chart-network"));
        Assert.Equal("last 15 min · top 2 KB/s", card.Find("[data-testid=chart-network] [data-testid=stats-scale]").TextContent);
        Assert.Equal(["rx", "tx"], card.FindAll("[data-testid=chart-network] g[data-series]").Select(g => g.GetAttribute("data-series") ?? "").ToArray());
    }

    [Fact]
    public async Task The_history_kept_before_the_card_opened_is_drawn_at_once()
    {
        this.SignIn(Ada);
        var app = await StartAsync();
        var container = await PutAsync(Running(app, "c1"));
        var start = _clock.GetUtcNow();
        for (var i = 0; i < 3; i++)
        {
            Engine.WriteStats(container.Id, FakeEngine.Reading(start.AddSeconds(i), cpuPercentOfOneCore: 10 * (i + 1), memoryMb: 64));
        }

        await WaitUntilAsync(() => Hub.History(container.Id).Count == 3, "the hub to keep three points");

        var card = RenderCard(app);

        card.WaitForAssertion(() => Assert.Equal(("3", "30.0 %"), (Points(card, "chart-cpu"), Latest(card, "chart-cpu"))), WaitTimeout);
    }

    [Fact]
    public async Task A_stopped_container_changes_the_chip_at_once_even_right_after_a_stats_render()
    {
        this.SignIn(Ada);
        var app = await StartAsync();
        var container = await PutAsync(Running(app, "c1"));
        var card = RenderCard(app);
        await WaitUntilAsync(() => Hub.SubscriberCount == 1, "the card to subscribe");
        Engine.WriteStats(container.Id, FakeEngine.Reading(_clock.GetUtcNow(), cpuPercentOfOneCore: 50, memoryMb: 100));
        card.WaitForAssertion(() => Assert.Equal("1", Points(card, "chart-cpu")), WaitTimeout);

        // The stats render just started the throttle's second, and the clock does not move: the state change must
        // not wait for that second to pass.
        Engine.EndStreams(container.Id);
        Engine.Put(container with { State = ContainerRunState.Exited, ExitCode = 137, FinishedAt = _clock.GetUtcNow() }, "die");

        card.WaitForAssertion(() => Assert.Equal("Exited with code 137", Chip(card)), WaitTimeout);
        Assert.Equal("Exited", card.Find("[data-testid=runtime-state]").GetAttribute("data-state"));
        Assert.Equal("—", card.Find("[data-testid=runtime-uptime]").TextContent);
        Assert.Equal("1", Points(card, "chart-cpu"));
    }

    [Fact]
    public async Task A_redeploy_moves_the_charts_to_the_new_container()
    {
        this.SignIn(Ada);
        var app = await StartAsync();
        var old = await PutAsync(Running(app, "c1", upFor: TimeSpan.FromHours(1)));
        var card = RenderCard(app);
        await WaitUntilAsync(() => Hub.SubscriberCount == 1, "the card to subscribe");
        Engine.WriteStats(old.Id, FakeEngine.Reading(_clock.GetUtcNow(), cpuPercentOfOneCore: 50, memoryMb: 100));
        card.WaitForAssertion(() => Assert.Equal("50.0 %", Latest(card, "chart-cpu")), WaitTimeout);

        var next = await PutAsync(Running(app, "c2", upFor: TimeSpan.FromSeconds(5)));
        await PutAsync(old with { State = ContainerRunState.Exited, ExitCode = 0 }, "die");

        card.WaitForAssertion(() => Assert.StartsWith("shop-api-c2", card.Find("[data-testid=runtime-container]").TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.Equal(("0", "—"), (Points(card, "chart-cpu"), Latest(card, "chart-cpu")));
        Assert.Equal("Running", Chip(card));
        Assert.Equal("5 s", card.Find("[data-testid=runtime-uptime]").TextContent); // rendered at once, the clock never moved
        _clock.Advance(RenderThrottle.DefaultInterval);

        Engine.WriteStats(old.Id, FakeEngine.Reading(_clock.GetUtcNow(), cpuPercentOfOneCore: 90, memoryMb: 400));
        Engine.WriteStats(next.Id, FakeEngine.Reading(_clock.GetUtcNow(), cpuPercentOfOneCore: 10, memoryMb: 50));
        _clock.Advance(RenderThrottle.DefaultInterval);

        card.WaitForAssertion(() => Assert.Equal(("1", "10.0 %"), (Points(card, "chart-cpu"), Latest(card, "chart-cpu"))), WaitTimeout);
        Assert.Equal(1, Hub.SubscriberCount);
    }

    [Fact]
    public async Task An_application_without_a_container_says_it_is_not_deployed()
    {
        this.SignIn(Ada);
        var app = await StartAsync();

        var card = RenderCard(app);

        card.WaitForAssertion(() => Assert.Equal("Not deployed", Chip(card)), WaitTimeout);
        Assert.Contains("once it has been deployed", card.Find("[data-testid=runtime-none]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outsider_gets_not_found_and_nothing_subscribes()
    {
        this.SignIn(Store.AddUser("eve"));
        var app = await StartAsync();
        await PutAsync(Running(app, "c1"));
        var before = Held();

        var card = RenderCard(app);

        card.WaitForAssertion(() => Assert.Contains("No such application", card.Find("[data-testid=runtime-error]").TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.Empty(card.FindAll("[data-testid=runtime-state]"));
        Assert.Empty(card.FindAll("[data-testid=chart-cpu]"));
        Assert.Equal(before, Held());
    }

    [Fact]
    public async Task Closing_the_card_releases_its_subscriptions()
    {
        this.SignIn(Ada);
        var app = await StartAsync();
        await PutAsync(Running(app, "c1"));
        var before = Held();
        var card = RenderCard(app);
        card.WaitForAssertion(() => Assert.Equal("Running", Chip(card)), WaitTimeout);
        Assert.Equal((before.Stats + 1, before.States + 1), (Hub.SubscriberCount, Tracker.SubscriberCount));

        await DisposeComponentsAsync();

        await WaitUntilAsync(() => Held() == before, "the card's subscriptions to go");
    }

    [Fact]
    public void A_new_point_redraws_only_the_newest_minute_of_a_chart()
    {
        var start = DateTimeOffset.UtcNow;
        var samples = Enumerable.Range(0, 90).Select(i => Sample(start.AddSeconds(i), cpu: i % 7)).ToList();
        var chart = Render<StatsChart>(p => p
            .Add(c => c.Title, "CPU")
            .Add(c => c.Samples, samples)
            .Add(c => c.Lines, [new StatsLine("CPU", s => s.CpuPercent, "gf-series-a")])
            .Add(c => c.Format, MonitoringWording.Percent));
        var before = chart.FindAll("path").Select(p => p.GetAttribute("d")).ToArray();
        var viewBox = chart.Find("svg").GetAttribute("viewBox");

        samples.Add(Sample(start.AddSeconds(90), cpu: 3));
        chart.Render(p => p.Add(c => c.Samples, samples));

        var after = chart.FindAll("path").Select(p => p.GetAttribute("d")).ToArray();
        Assert.Equal(2, before.Length);
        Assert.Equal(before[0], after[0]);
        Assert.NotEqual(before[1], after[1]);
        Assert.NotEqual(viewBox, chart.Find("svg").GetAttribute("viewBox"));
        Assert.Equal("91", chart.Find("[data-testid=stats-plot]").GetAttribute("data-points"));
        Assert.Equal("last 15 min · top 10.0 %", chart.Find("[data-testid=stats-scale]").TextContent);
    }

    private static ContainerStatsSample Sample(DateTimeOffset at, double cpu) => new(at, cpu, 0, 0, 0, 0, 0, 0, 0, 1);

    private IRenderedComponent<ContainerRuntimeCard> RenderCard(Application app) =>
        Render<ContainerRuntimeCard>(p => p.Add(c => c.ApplicationId, app.Id));

    private static string Chip(IRenderedComponent<ContainerRuntimeCard> card) =>
        card.Find("[data-testid=runtime-state]").TextContent.Trim();

    private static string Points(IRenderedComponent<ContainerRuntimeCard> card, string chart) =>
        card.Find($"[data-testid={chart}] [data-testid=stats-plot]").GetAttribute("data-points") ?? string.Empty;

    private static string Latest(IRenderedComponent<ContainerRuntimeCard> card, string chart) =>
        card.Find($"[data-testid={chart}] [data-testid=stats-latest]").TextContent.Trim();
}
