using System.Globalization;
using System.Text.RegularExpressions;
using Bunit;
using GoForge.Core.Identity;
using GoForge.Core.Monitoring;
using GoForge.Core.Projects;
using GoForge.Infrastructure.Docker.Monitoring;
using GoForge.Infrastructure.Docker;
using GoForge.Infrastructure.Monitoring;
using GoForge.Tests.Components;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Monitoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ContainerStopParameters = Docker.DotNet.Models.ContainerStopParameters;

namespace GoForge.Tests.Monitoring;

/// <summary>
/// The Overview's runtime card and the Logs tab's view over the real Core services (tracker, stats hub,
/// MonitoringService) and the real Docker adapters on the shared engine; projects are in memory. The container is a
/// labelled busybox that burns a little CPU and prints a numbered line every 300 ms. Over a test-driven engine, on a
/// fake clock, the same components are in <see cref="ContainerRuntimeCardTests"/> and <see cref="ContainerLogViewTests"/>.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed partial class RuntimeCardOnRealEngineTests : GoForgeTestContext
{
    /// <summary>A numbered line every 300 ms with some arithmetic between them; leaves with code 0 on SIGTERM.</summary>
    public const string BusyAndLogging =
        "trap 'exit 0' TERM; n=0; while :; do n=$((n+1)); echo \"line-$n\"; i=0; while [ $i -lt 3000 ]; do i=$((i+1)); done; sleep 0.3 & wait $!; done";

    // Real engine, real stats once a second: a wait covers a slow shared machine, and no figure depends on it.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly DockerFixture _docker;
    private readonly User _ada;
    private string? _containerId;

    public RuntimeCardOnRealEngineTests(DockerFixture docker)
    {
        _docker = docker;
        var store = Services.AddInMemoryProjects();
        Services.AddSingleton(Options.Create(new DockerOptions { Endpoint = docker.Endpoint }));
        Services.AddMonitoringAdapters();
        Services.AddSingleton(Options.Create(new MonitoringOptions()));
        Services.AddSingleton<ContainerStatsHub>();
        Services.AddSingleton<ContainerStateTracker>();
        Services.AddSingleton<MonitoringService>();
        _ada = store.AddUser("ada");
    }

    private ContainerStateTracker Tracker => Services.GetRequiredService<ContainerStateTracker>();

    [Fact]
    public async Task Live_stats_from_the_engine_fill_the_charts_and_a_stop_turns_the_chip_to_exited()
    {
        this.SignIn(_ada);
        var app = await StartAsync();
        var id = await RunContainerAsync(app);

        var card = Render<ContainerRuntimeCard>(p => p.Add(c => c.ApplicationId, app.Id));

        card.WaitForAssertion(() => Assert.Equal("Running", Chip(card)), Timeout);
        Assert.Equal($"{Tracker.Find(id)?.Name} · {BusyboxImage.Tag}", card.Find("[data-testid=runtime-container]").TextContent.Trim());
        card.WaitForAssertion(() => Assert.True(Points(card) >= 3, $"{Points(card)} points in the CPU chart"), Timeout);
        var cpu = Percent(Latest(card, "chart-cpu"));
        Assert.InRange(cpu, 0, 100.0 * Environment.ProcessorCount);
        var memory = MemoryFigure().Match(Latest(card, "chart-memory"));
        Assert.True(memory.Success, $"memory reads \"{Latest(card, "chart-memory")}\"");
        Assert.True(double.Parse(memory.Groups["used"].Value, CultureInfo.InvariantCulture) > 0, $"memory reads \"{memory.Value}\"");
        Assert.Empty(card.FindAll("[data-testid=runtime-engine-down]"));

        using var stop = new CancellationTokenSource(Timeout);
        await _docker.Client.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = 10 }, stop.Token);

        card.WaitForAssertion(() => Assert.Equal("Exited with code 0", Chip(card)), Timeout);
        Assert.Equal("Exited", card.Find("[data-testid=runtime-state]").GetAttribute("data-state"));
        Assert.Equal("—", card.Find("[data-testid=runtime-uptime]").TextContent);
    }

    [Fact]
    public async Task The_log_view_follows_lines_the_container_prints_after_it_opened()
    {
        this.SignIn(_ada);
        var app = await StartAsync();
        await RunContainerAsync(app);

        var view = Render<ContainerLogView>(p => p.Add(c => c.ApplicationId, app.Id));

        view.WaitForAssertion(() => Assert.NotEmpty(Lines(view)), Timeout);
        var opened = DateTimeOffset.UtcNow; // the view is reading by now: it has shown lines
        var lastSeen = Lines(view).Max(l => l.Number);

        view.WaitForAssertion(() => Assert.Contains(Lines(view), l => l.Number > lastSeen && l.Time > opened), Timeout);
        var numbers = Lines(view).Select(l => l.Number).ToList();
        Assert.Equal(Enumerable.Range(numbers[0], numbers.Count), numbers); // in order, none lost or doubled
        Assert.Empty(view.FindAll("[data-testid=log-error]"));
    }

    protected override async ValueTask DisposeResourcesAsync() => await TestContainers.RemoveAsync(_docker.Client, _containerId);

    /// <summary>Ada's project with an application "api", and the tracker started as the panel's hosted service is.</summary>
    private async Task<Application> StartAsync()
    {
        var owner = Actor.From(_ada);
        var (_, production) = await Services.CreateProjectAsync(owner, "Shop");
        var app = await Services.CreateApplicationAsync(owner, production.Id, "api");
        await Tracker.StartAsync(CancellationToken.None);
        await Tracker.FirstSync.WaitAsync(Timeout);
        return app;
    }

    private async Task<string> RunContainerAsync(Application app)
    {
        using var timeout = new CancellationTokenSource(TestContainers.Timeout);
        _containerId = await TestContainers.RunAsync(_docker.Client, BusyAndLogging, TestContainers.Managed(app.Id, Guid.NewGuid()), ct: timeout.Token);
        return _containerId;
    }

    private static string Chip(IRenderedComponent<ContainerRuntimeCard> card) =>
        card.Find("[data-testid=runtime-state]").TextContent.Trim();

    private static int Points(IRenderedComponent<ContainerRuntimeCard> card) =>
        int.Parse(card.Find("[data-testid=chart-cpu] [data-testid=stats-plot]").GetAttribute("data-points") ?? "0", CultureInfo.InvariantCulture);

    private static string Latest(IRenderedComponent<ContainerRuntimeCard> card, string chart) =>
        card.Find($"[data-testid={chart}] [data-testid=stats-latest]").TextContent.Trim();

    private static double Percent(string text) =>
        double.Parse(text.TrimEnd('%', ' '), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static List<(int Number, DateTimeOffset Time)> Lines(IRenderedComponent<ContainerLogView> view) =>
    [
        .. view.FindAll("[data-testid=log-line]").Select(line => (
            int.Parse(line.QuerySelector(".gf-log-text")!.TextContent.Replace("line-", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture),
            DateTimeOffset.ParseExact(line.QuerySelector(".gf-log-time")!.TextContent, "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal))),
    ];

    [GeneratedRegex(@"^(?<used>[0-9.]+) (B|KB|MB|GB|TB) / [0-9.]+ (B|KB|MB|GB|TB) \([0-9]+ %\)$")]
    private static partial Regex MemoryFigure();
}
