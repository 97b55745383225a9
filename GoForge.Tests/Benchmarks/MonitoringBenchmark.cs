using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Identity;
using GoForge.Core.Monitoring;
using GoForge.Infrastructure.Docker.Monitoring;
using GoForge.Infrastructure.Monitoring;
using GoForge.Tests.Browser;
using GoForge.Tests.Harness;
using GoForge.Tests.Monitoring;
using GoForge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Xunit.Abstractions;
using Xunit.Sdk;
using Actor = GoForge.Core.Identity.Actor;

namespace GoForge.Tests.Benchmarks;

/// <summary>
/// Figures, not assertions (excluded from the default run), for live monitoring: what the always-on stats streams of
/// 50 idle containers cost this process (CPU and memory, against baseline windows without monitoring); how soon a
/// stop reaches a subscriber; the panel's own resident memory idle and with 10 Overview circuits, read from
/// <c>/proc</c> of the panel run as its own process; and the managed heap a circuit keeps. See docs/benchmarks.md,
/// "Live monitoring".
/// </summary>
[Trait("Category", "Benchmark")]
[Collection(PostgresCollection.Name)]
[TestCaseOrderer("GoForge.Tests.Benchmarks.MonitoringBenchmark+DeclarationOrder", "GoForge.Tests")]
public sealed class MonitoringBenchmark(PostgresFixture postgres, DockerFixture docker, BrowserFixture browser, ITestOutputHelper output)
    : IClassFixture<DockerFixture>, IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const int Containers = 50;
    private const int Stops = 5;
    private const int Circuits = 10;
    private const int MemorySamples = 5;
    private const string RunLabel = "goforge.bench.run";
    private const string IdleScript = "exec sleep 86400";
    private static readonly TimeSpan BaselineWindow = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MeasuredWindow = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan WarmUpWindow = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PanelSettle = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CircuitSettle = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    // Every container of this run carries this value, so clean-up finds them all, even one whose start failed.
    private readonly string _run = Guid.NewGuid().ToString("N");

    public async Task InitializeAsync() => await BusyboxImage.EnsureAsync(docker.Client);

    public async Task DisposeAsync() => await RemoveRunContainersAsync();

    [Fact]
    public async Task Fifty_idle_containers_cost_and_stop_to_subscriber_latency()
    {
        var containers = await StartIdleContainersAsync(Containers);
        using var self = Process.GetCurrentProcess();
        var dockerd = DockerdPid();
        output.WriteLine($"== Cost of monitoring {Containers} idle containers (this test process; {Environment.ProcessorCount} cores, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC) ==");

        var baseline = await MeasureWindowAsync(self, dockerd, BaselineWindow, () => 0);
        Print("baseline before, no monitoring", baseline);

        var provider = TestContainers.Provider(docker.Endpoint);
        var options = Options.Create(new MonitoringOptions { AlwaysCollect = true });
        var hub = new ContainerStatsHub(new DockerStatsSource(provider, NullLogger<DockerStatsSource>.Instance), options, TimeProvider.System, NullLogger<ContainerStatsHub>.Instance);
        // Only this run's containers: other tests may share the engine, and their containers would be counted too.
        var events = new ThisRunEvents(new DockerEventSource(provider, NullLogger<DockerEventSource>.Instance), _run);
        var tracker = new ContainerStateTracker(
            new ThisRunInventory(new DockerContainerInventory(provider), _run), events, hub, options, TimeProvider.System, NullLogger<ContainerStateTracker>.Instance);
        WindowFigures monitored;
        try
        {
            var opening = Stopwatch.StartNew();
            await tracker.StartAsync(CancellationToken.None);
            await tracker.FirstSync.WaitAsync(Timeout);
            int Points() => containers.Sum(c => hub.History(c.Id).Count);
            await Wait.UntilAsync(
                () => Task.FromResult(hub.OpenStreams == Containers && containers.All(c => hub.History(c.Id).Count >= 2)),
                $"{Containers} open stats streams with points for every container", Timeout);
            output.WriteLine($"stack started: {hub.OpenStreams} streams open and 2 points from each after {opening.Elapsed.TotalSeconds:F1} s");

            // The first seconds of the streams also JIT-compile their code again at tier 1: a cost paid once, kept apart.
            Print("warm-up (tier-1 JIT of the stats path)", await MeasureWindowAsync(self, dockerd, WarmUpWindow, Points));
            monitored = await MeasureWindowAsync(self, dockerd, MeasuredWindow, Points);
            Print($"monitoring {Containers} containers", monitored);

            await StopLatencyAsync(tracker, hub, events, containers.Take(Stops).ToList());
            Assert.Equal(Containers - Stops, hub.OpenStreams);
        }
        finally
        {
            await tracker.StopAsync(CancellationToken.None);
            tracker.Dispose();
            await hub.DisposeAsync();
            provider.Dispose();
        }

        var after = await MeasureWindowAsync(self, dockerd, BaselineWindow, () => 0);
        Print("baseline after, stack disposed", after);
        PrintCost(baseline, after, monitored);
        PrintReadingInIsolation();
        await RemoveRunContainersAsync();
    }

    [Fact]
    public async Task Panel_idle_memory_and_overview_circuits()
    {
        var connectionString = await postgres.CreateDatabaseAsync("bench_panel");
        var secretKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        User admin;
        Guid applicationId;
        await using (var seeding = await TestHost.StartOnAsync(connectionString, new Dictionary<string, string?> { ["GoForge:SecretKey"] = secretKey }))
        {
            admin = await TestUsers.CreateAsync(seeding, UserRole.Admin);
            var (_, production) = await seeding.Services.CreateProjectAsync(Actor.From(admin), "Bench");
            applicationId = (await seeding.Services.CreateApplicationAsync(Actor.From(admin), production.Id, "overview")).Id;
        }

        var containerId = await TestContainers.RunAsync(docker.Client, IdleScript, RunLabels(applicationId));
        var dataRoot = Directory.CreateTempSubdirectory("goforge-bench-panel-").FullName;
        try
        {
            output.WriteLine($"== The panel as its own process ({PanelProcess.WebAssemblyPath()}), one application with a running container ==");
            (string Name, string? GcServer)[] modes = [("server GC (as shipped)", null), ("workstation GC (DOTNET_gcServer=0)", "0")];
            foreach (var (name, gcServer) in modes)
            {
                var environment = new Dictionary<string, string?>
                {
                    ["ConnectionStrings__GoForge"] = connectionString,
                    ["GoForge__DataPath"] = Directory.CreateDirectory(Path.Combine(dataRoot, gcServer is null ? "server-gc" : "workstation-gc")).FullName,
                    ["GoForge__SecretKey"] = secretKey,
                    ["GoForge__Docker__Endpoint"] = docker.Endpoint.ToString(),
                    // Not Production: from the build output (not a publish folder) only Development serves the static web
                    // assets of packages and the framework (_framework/blazor.web.js, MudBlazor's), without which no circuit starts.
                    ["ASPNETCORE_ENVIRONMENT"] = "Development",
                    ["DOTNET_gcServer"] = gcServer,
                };
                await MeasurePanelAsync(name, environment, admin.Login, applicationId, containerId);
            }
        }
        finally
        {
            await RemoveRunContainersAsync();
            Directory.Delete(dataRoot, recursive: true);
        }
    }

    /// <summary>
    /// What RSS cannot show: the managed heap a circuit keeps, after a full GC, with the panel in this test process (the
    /// real app on Kestrel against the real engine), for three kinds of page, so the Overview's cost splits into the
    /// layout's circuit, the application page and the live runtime card. Playwright's own objects for a page live in
    /// this heap too, so they are measured on pages without a circuit (the sign-in page, same assets) and taken off.
    /// </summary>
    [Fact]
    public async Task Overview_circuit_managed_heap_in_process()
    {
        await using var app = await GoForgeApp.StartAsync(postgres, "bench_circuits", kestrel: true,
            settings: new Dictionary<string, string?> { ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString() });
        var admin = await app.CreateUserAsync(UserRole.Admin);
        var (_, production) = await app.Services.CreateProjectAsync(Actor.From(admin), "Bench");
        var applicationId = (await app.Services.CreateApplicationAsync(Actor.From(admin), production.Id, "overview")).Id;
        await TestContainers.RunAsync(docker.Client, IdleScript, RunLabels(applicationId));
        var hub = app.Get<ContainerStatsHub>();
        await Wait.UntilAsync(
            () => Task.FromResult(app.Get<ContainerStateTracker>().CurrentFor(applicationId) is { IsRunning: true } c && hub.History(c.Id).Count >= 2),
            "the panel to stream the application's stats", Timeout);

        var emptyId = (await app.Services.CreateApplicationAsync(Actor.From(admin), production.Id, "empty")).Id;
        var signedIn = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.Address.ToString() });
        var anonymous = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.Address.ToString() });
        try
        {
            signedIn.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
            anonymous.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
            var overview = $"/applications/{applicationId}";
            (string Name, string Path, Func<IPage, Task> Ready)[] kinds =
            [
                ("sign-in page, no circuit (Playwright's objects)", "/login", page => page.Locator("#login").WaitForAsync()),
                ("/projects circuit (layout, one list)", "/projects", page => page.Locator("[data-interactive=true] [data-testid=new-project]").WaitForAsync()),
                ("application page, no container", $"/applications/{emptyId}", page => page.Locator("[data-interactive=true] [data-testid=runtime-state][data-state=None]").WaitForAsync()),
                ("Overview with live stats", overview, WaitForLiveCardAsync),
            ];

            // Warm-up: sign in, then one page of each kind, so JIT and first-use caches are paid before measuring.
            var first = await signedIn.NewPageAsync();
            await first.GotoAsync(overview);
            await first.FillAsync("#login", admin.Login);
            await first.FillAsync("#password", TestUsers.Password);
            await first.ClickAsync("button[type=submit]");
            await WaitForLiveCardAsync(first);
            foreach (var (_, path, ready) in kinds)
            {
                var page = await (path == "/login" ? anonymous : signedIn).NewPageAsync();
                await page.GotoAsync(path);
                await ready(page);
            }

            await Task.Delay(CircuitSettle);
            var heap = HeapAfterFullGc();
            output.WriteLine($"== Managed heap per page kind (GoForgeApp in this process, after a full GC, {Circuits} pages each; {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC) ==");
            output.WriteLine($"warm (sign-in, one page of each kind)   heap {heap / 1024.0 / 1024.0:F1} MB");
            var perPage = new List<double>();
            foreach (var (name, path, ready) in kinds)
            {
                for (var i = 0; i < Circuits; i++)
                {
                    var page = await (path == "/login" ? anonymous : signedIn).NewPageAsync();
                    await page.GotoAsync(path);
                    await ready(page);
                }

                await Task.Delay(CircuitSettle);
                var now = HeapAfterFullGc();
                perPage.Add((now - heap) / (double)Circuits / 1024);
                heap = now;
                var beyond = perPage.Count == 1 ? "" : $"   {perPage[^1] - perPage[0]:F0} KB beyond a plain page";
                output.WriteLine($"+ {Circuits} x {name,-48} heap {now / 1024.0 / 1024.0:F1} MB   {perPage[^1]:F0} KB a page{beyond}");
            }

            var circuit = perPage[^1] - perPage[0];
            output.WriteLine($"Overview circuit beyond a plain page: {circuit:F0} KB   target < 300 KB: {Verdict(circuit < 300)}   " +
                $"(of it: layout circuit {perPage[1] - perPage[0]:F0} KB, application page {perPage[2] - perPage[1]:F0} KB more, live runtime card {perPage[3] - perPage[2]:F0} KB more; " +
                $"{hub.History(app.Get<ContainerStateTracker>().CurrentFor(applicationId)!.Id).Count} points of history)");
            // One stats subscription per live Overview (the warm-up ones included); the application without a container has none.
            Assert.Equal(Circuits + 2, hub.SubscriberCount);
        }
        finally
        {
            // The container goes first, while the circuits still live, so none renders its removal during the app's shutdown.
            await RemoveRunContainersAsync();
            await signedIn.CloseAsync();
            await anonymous.CloseAsync();
        }
    }

    private static long HeapAfterFullGc()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private async Task MeasurePanelAsync(string mode, Dictionary<string, string?> environment, string login, Guid applicationId, string containerId)
    {
        output.WriteLine($"-- {mode} --");
        await using var panel = await PanelProcess.StartAsync(environment);
        await panel.EnsureServesAsync("/_framework/blazor.web.js");

        // The panel's tracker lists the container and opens its stats stream at start: let start-up work finish first.
        await Task.Delay(PanelSettle);
        var idle = await SampleMemoryAsync(panel);
        output.WriteLine($"idle, no circuit (after {PanelSettle.TotalSeconds:0} s)        {idle}   target RSS < 150 MB: {Verdict(idle.RssKb < 150 * 1024)}");

        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = panel.Address.ToString() });
        try
        {
            context.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
            var overview = $"/applications/{applicationId}";
            var first = await context.NewPageAsync();
            await first.GotoAsync(overview);
            await first.FillAsync("#login", login);
            await first.FillAsync("#password", TestUsers.Password);
            await first.ClickAsync("button[type=submit]");
            await WaitForLiveCardAsync(first);
            List<IPage> pages = [first];
            await Task.Delay(CircuitSettle);
            var one = await SampleMemoryAsync(panel);
            output.WriteLine($"1 circuit (first: JIT, caches, sign-in) {one}   +{(one.RssKb - idle.RssKb) / 1024.0:F1} MB over idle");

            while (pages.Count < Circuits)
            {
                var page = await context.NewPageAsync();
                await page.GotoAsync(overview);
                await WaitForLiveCardAsync(page);
                pages.Add(page);
            }

            await Task.Delay(CircuitSettle);
            var many = await SampleMemoryAsync(panel);
            var perCircuit = (many.RssKb - idle.RssKb) / (double)Circuits;
            var marginal = (many.RssKb - one.RssKb) / (double)(Circuits - 1);
            output.WriteLine($"{Circuits} circuits                          {many}");
            output.WriteLine($"per circuit (RSS with {Circuits} - idle) / {Circuits}:        {perCircuit:F0} KB   target < 300 KB: {Verdict(perCircuit < 300)}");
            output.WriteLine($"per further circuit (RSS {Circuits} - RSS 1) / {Circuits - 1}:  {marginal:F0} KB   (anon {(many.AnonKb - one.AnonKb) / (double)(Circuits - 1):F0} KB)");

            // Every page is still live: a new point has reached each since it opened.
            foreach (var page in pages)
            {
                await WaitForNewPointAsync(page);
            }

            await StopToBrowserAsync(pages, containerId);
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    /// <summary>
    /// Stop → the Overview's state chip saying Exited, in the first and the last page opened, a few times (the
    /// container started again in between). This includes the card's render throttle, the render and the WebSocket.
    /// </summary>
    private async Task StopToBrowserAsync(List<IPage> pages, string containerId)
    {
        const int Rounds = 5;
        // The page notes (Date.now()) when its chip turns Exited, so Playwright's polling is not in the figure.
        const string Watch = """
            () => {
                window.__exitedAt = null;
                const seen = () => document.querySelector('[data-testid=runtime-state][data-state=Exited]') !== null;
                new MutationObserver((_, observer) => { if (seen()) { window.__exitedAt = Date.now(); observer.disconnect(); } })
                    .observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
            }
            """;
        IPage[] watched = [pages[0], pages[^1]];
        var latencies = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var page in watched)
            {
                await page.EvaluateAsync(Watch);
            }

            // Each wait before ended just after a stats render, and the card renders at most once a second: a kill at
            // once would always meet the throttle's longest wait. A random phase within a stats interval gives the usual case.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(0, 1200)));
            var killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await KillAsync(containerId);
            foreach (var page in watched)
            {
                await page.Locator("[data-testid=runtime-state][data-state=Exited]").WaitForAsync();
                latencies.Add(await page.EvaluateAsync<double>("() => window.__exitedAt") - killedAt);
            }

            using var timeout = new CancellationTokenSource(Timeout);
            await docker.Client.Containers.StartContainerAsync(containerId, new ContainerStartParameters(), timeout.Token);
            foreach (var page in watched)
            {
                await WaitForLiveCardAsync(page);
            }
        }

        output.WriteLine($"kill -> chip 'Exited' in the DOM (first and last page, {Rounds} kills): [{string.Join(", ", latencies.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))}] ms, median {Median(latencies):F0} ms");
    }

    private static async Task WaitForLiveCardAsync(IPage page)
    {
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await page.Locator("[data-testid=runtime-card] [data-testid=runtime-state][data-state=Running]").WaitForAsync();
        await WaitForNewPointAsync(page);
    }

    /// <summary>Waits until the CPU chart has drawn a point more than it has now (one pushed over the circuit).</summary>
    private static async Task WaitForNewPointAsync(IPage page)
    {
        var plot = page.Locator("[data-testid=chart-cpu] [data-testid=stats-plot]");
        var now = int.Parse(await plot.GetAttributeAsync("data-points") ?? "0", CultureInfo.InvariantCulture);
        await page.WaitForFunctionAsync(
            "n => { const e = document.querySelector('[data-testid=chart-cpu] [data-testid=stats-plot]'); return e !== null && Number(e.dataset.points) > n; }",
            now,
            new PageWaitForFunctionOptions { PollingInterval = 100, Timeout = (float)Timeout.TotalMilliseconds });
    }

    /// <summary>The median of a few readings a second apart (the GC and timers move RSS a little).</summary>
    private static async Task<ProcMemory> SampleMemoryAsync(PanelProcess panel)
    {
        var samples = new List<ProcMemory>();
        for (var i = 0; i < MemorySamples; i++)
        {
            if (i > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }

            samples.Add(panel.Memory());
        }

        return ProcMemory.Median(samples);
    }

    private async Task StopLatencyAsync(ContainerStateTracker tracker, ContainerStatsHub hub, ThisRunEvents events, List<RunContainer> victims)
    {
        output.WriteLine("== Stop -> subscriber (stack above running; POST /containers/{id}/kill, SIGKILL: see KillAsync) ==");
        output.WriteLine("tracker: ContainerStateTracker.Subscribe(handler, applicationId), the push the Overview's WorkloadWatch subscribes to;");
        output.WriteLine("watch:   an WorkloadWatch itself (what MonitoringService.WatchAsync hands the runtime card), without bunit or a circuit");
        var trackerTimes = new List<double>();
        var watchTimes = new List<double>();
        var eventTimes = new List<double>();
        var stopTimes = new List<double>();
        foreach (var victim in victims)
        {
            Assert.Equal(ContainerRunState.Running, tracker.Find(victim.Id)?.State);
            var trackerSaw = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            var watchSaw = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            var pushed = new ConcurrentQueue<ContainerRunState>();
            using var subscription = tracker.Subscribe(
                change =>
                {
                    if (change.Container is { } c && c.Id == victim.Id && !trackerSaw.Task.IsCompleted)
                    {
                        pushed.Enqueue(c.State);
                    }

                    if (change.Container is { State: ContainerRunState.Exited } exited && exited.Id == victim.Id)
                    {
                        trackerSaw.TrySetResult(Stopwatch.GetTimestamp());
                    }
                },
                victim.ApplicationId);
            using var watch = new WorkloadWatch(victim.ApplicationId, tracker, hub, update =>
            {
                if (update is RuntimeContainerChanged { Container: { State: ContainerRunState.Exited } c } && c.Id == victim.Id)
                {
                    watchSaw.TrySetResult(Stopwatch.GetTimestamp());
                }
            });

            events.Watch(victim.Id);
            var started = Stopwatch.GetTimestamp();
            await KillAsync(victim.Id);
            var returned = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var saw = await Task.WhenAll(trackerSaw.Task, watchSaw.Task).WaitAsync(Timeout);
            stopTimes.Add(returned);
            var first = events.First(victim.Id);
            eventTimes.Add(first is { } e ? Stopwatch.GetElapsedTime(started, e.At).TotalMilliseconds : double.NaN);
            trackerTimes.Add(Stopwatch.GetElapsedTime(started, saw[0]).TotalMilliseconds);
            watchTimes.Add(Stopwatch.GetElapsedTime(started, saw[1]).TotalMilliseconds);
            output.WriteLine($"  {victim.Id[..12]}: kill call returned {returned,6:F1} ms   first event ({first?.Action}) read {eventTimes[^1],6:F1} ms   tracker saw Exited {trackerTimes[^1],6:F1} ms   watch {watchTimes[^1],6:F1} ms   pushed: {string.Join(", ", pushed)}");
        }

        output.WriteLine($"median: kill call {Median(stopTimes):F1} ms, first event read {Median(eventTimes):F1} ms, tracker {Median(trackerTimes):F1} ms, watch {Median(watchTimes):F1} ms   target < 1000 ms: {Verdict(Median(watchTimes) < 1000)}");
        await Wait.UntilAsync(() => Task.FromResult(hub.OpenStreams == Containers - Stops), "the stopped containers' stats streams to end", Timeout);
    }

    /// <summary>
    /// Stops the container at once. Not StopContainerAsync with WaitBeforeKillSeconds = 0: Docker.DotNet leaves a
    /// query parameter out when it holds its type's default value, so <c>t=0</c> is never sent and the engine waits its
    /// default 10 s before SIGKILL (busybox as PID 1 ignores SIGTERM). SIGKILL is what <c>t=0</c> comes to; the events
    /// (kill, die) and the tracker's path from them are the same.
    /// </summary>
    private async Task KillAsync(string containerId)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await docker.Client.Containers.KillContainerAsync(containerId, new ContainerKillParameters { Signal = "KILL" }, timeout.Token);
    }

    private async Task<List<RunContainer>> StartIdleContainersAsync(int count)
    {
        var started = new List<RunContainer>();
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = timeout.Token }, async (_, ct) =>
        {
            var application = Guid.NewGuid();
            var id = await TestContainers.RunAsync(docker.Client, IdleScript, RunLabels(application), ct: ct);
            lock (started)
            {
                started.Add(new RunContainer(id, application));
            }
        });
        output.WriteLine($"started {count} idle busybox containers (sleep as PID 1, network none, GoForge's labels) in {clock.Elapsed.TotalSeconds:F1} s");
        return started;
    }

    private Dictionary<string, string> RunLabels(Guid application) =>
        new(TestContainers.Managed(application, Guid.NewGuid())) { [RunLabel] = _run };

    private async Task RemoveRunContainersAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var listed = await docker.Client.Containers.ListContainersAsync(
            new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{RunLabel}={_run}"] = true } },
            },
            timeout.Token);
        await Parallel.ForEachAsync(listed, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (container, _) => await TestContainers.RemoveAsync(docker.Client, container.ID));
    }

    /// <summary>
    /// One window: CPU of this process (and of dockerd, when it is the shared daemon) over it, allocations and GCs in
    /// it, stats points added in it, and memory after a full GC at both ends (outside the CPU figures).
    /// </summary>
    private static async Task<WindowFigures> MeasureWindowAsync(Process self, int? dockerd, TimeSpan length, Func<int> points)
    {
        var memoryBefore = MemoryAfterFullGc(self);
        var gcs = new[] { GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2) };
        var pointsBefore = points();
        var allocated = GC.GetTotalAllocatedBytes();
        var dockerdBefore = DockerdCpu(dockerd);
        self.Refresh();
        var cpu = self.TotalProcessorTime;
        var kernel = self.PrivilegedProcessorTime;
        var clock = Stopwatch.StartNew();

        // A measured stretch of time, not a wait for anything.
        await Task.Delay(length);

        self.Refresh();
        var cpuUsed = self.TotalProcessorTime - cpu;
        var kernelUsed = self.PrivilegedProcessorTime - kernel;
        var wall = clock.Elapsed;
        var dockerdUsed = DockerdCpu(dockerd) - dockerdBefore;
        var allocatedInWindow = GC.GetTotalAllocatedBytes() - allocated;
        var gcsInWindow = $"{GC.CollectionCount(0) - gcs[0]}/{GC.CollectionCount(1) - gcs[1]}/{GC.CollectionCount(2) - gcs[2]}";
        var pointsInWindow = points() - pointsBefore;
        return new WindowFigures(wall, cpuUsed, kernelUsed, dockerd is null ? null : dockerdUsed, allocatedInWindow, gcsInWindow, pointsInWindow, memoryBefore, MemoryAfterFullGc(self));
    }

    private static MemoryFigures MemoryAfterFullGc(Process self)
    {
        var heap = HeapAfterFullGc();
        self.Refresh();
        var sockets = Directory.EnumerateFileSystemEntries("/proc/self/fd").Count(fd => new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true);
        return new MemoryFigures(heap, self.WorkingSet64, ProcMemory.Self().AnonKb * 1024, self.Threads.Count, sockets);
    }

    private void Print(string name, WindowFigures w)
    {
        output.WriteLine($"{name}: {w.Wall.TotalSeconds:F1} s");
        output.WriteLine($"  CPU            {w.CpuPercent,7:F2} % of one core ({w.Cpu.TotalMilliseconds:F0} ms, {w.KernelCpu.TotalMilliseconds:F0} ms of it in the kernel)" +
            (w.DockerdCpu is { } d ? $"   dockerd {d.TotalMilliseconds / w.Wall.TotalMilliseconds * 100,6:F2} % (shared daemon: other tests' work counts too)" : ""));
        output.WriteLine($"  allocated      {w.Allocated / 1024.0 / 1024.0,7:F2} MB ({w.Allocated / w.Wall.TotalSeconds / 1024.0:F0} KB/s)   GCs gen0/1/2 {w.Collections}" +
            (w.Points > 0 ? $"   points {w.Points} ({w.Points / w.Wall.TotalSeconds:F1}/s, {w.Allocated / (double)w.Points / 1024.0:F1} KB allocated per point)" : ""));
        output.WriteLine($"  at start       {w.Before}");
        output.WriteLine($"  at end         {w.After}");
    }

    private void PrintCost(WindowFigures before, WindowFigures after, WindowFigures monitored)
    {
        // The quieter baseline: the higher of the two costs, since the other baseline carried noise of its own.
        var baseline = before.CpuPercent <= after.CpuPercent ? before : after;
        var cpu = monitored.CpuPercent - baseline.CpuPercent;
        var heap = (monitored.After.HeapBytes - before.Before.HeapBytes) / 1024.0 / 1024.0;
        var workingSet = (monitored.After.WorkingSetBytes - before.Before.WorkingSetBytes) / 1024.0 / 1024.0;
        var anon = (monitored.After.AnonBytes - before.Before.AnonBytes) / 1024.0 / 1024.0;
        var netCpuPerPoint = (monitored.Cpu - (baseline.Cpu * (monitored.Wall / baseline.Wall))).TotalMilliseconds * 1000 / Math.Max(1, monitored.Points);
        var history = new MonitoringOptions().HistoryPoints;
        var sample = SampleBytes();
        var fullRings = Containers * (double)history * sample / 1024.0 / 1024.0;
        output.WriteLine($"cost of monitoring {Containers} containers (monitored window minus the quieter baseline, {(ReferenceEquals(baseline, before) ? "before" : "after")}):");
        output.WriteLine($"  CPU            {cpu:F2} % of one core ({cpu / Containers * 1000:F1} milli-% per container, {netCpuPerPoint:F0} us per point)   target < 5 %: {Verdict(cpu < 5)}");
        output.WriteLine($"  managed heap   {heap:F1} MB   working set {workingSet:F1} MB (anonymous {anon:F1} MB), both after a full GC   target < 30 MB: {Verdict(Math.Max(heap, workingSet) < 30)}");
        output.WriteLine($"  threads        {before.Before.Threads} -> {monitored.After.Threads}   sockets {before.Before.Sockets} -> {monitored.After.Sockets} (one HTTP connection per stats stream, plus events)");
        output.WriteLine($"  history        {sample} bytes per point ({nameof(ContainerStatsSample)}) -> {fullRings:F1} MB more heap once all {Containers} rings hold {history} points (15 min); the rings' arrays are allocated already");
        output.WriteLine($"  engine         {monitored.Points / monitored.Wall.TotalSeconds / Containers:F2} readings per container a second (dockerd sleeps 1 s between collection passes over all streamed containers)");
    }

    /// <summary>
    /// A little profile of one reading: the recorded cgroup v1 reading deserialised (System.Text.Json, reflection
    /// metadata; Docker.DotNet uses source-generated metadata, so its own cost is at most this), mapped and turned into
    /// a point, many times on this thread, against the per-point figures of the monitored window.
    /// </summary>
    private void PrintReadingInIsolation()
    {
        const int Rounds = 5000;
        var json = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Monitoring", "Fixtures", "stats-cgroup-v1.json"));
        var first = JsonSerializer.Deserialize<ContainerStatsResponse>(json)!;
        Assert.True(StatsMapping.IsLive(first));
        var previous = StatsMapping.Map(first);
        var deserialise = Stopwatch.StartNew();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        ContainerStatsResponse? response = null;
        for (var i = 0; i < Rounds; i++)
        {
            response = JsonSerializer.Deserialize<ContainerStatsResponse>(json);
        }

        var deserialiseUs = deserialise.Elapsed.TotalMilliseconds * 1000 / Rounds;
        var deserialiseBytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / Rounds;
        var map = Stopwatch.StartNew();
        allocated = GC.GetAllocatedBytesForCurrentThread();
        ContainerStatsSample? sample = null;
        for (var i = 0; i < Rounds; i++)
        {
            sample = StatsCalculator.Sample(previous, StatsMapping.Map(response!));
        }

        var mapUs = map.Elapsed.TotalMilliseconds * 1000 / Rounds;
        var mapBytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / Rounds;
        Assert.NotNull(sample);
        output.WriteLine($"one reading in isolation ({json.Length} bytes of JSON): deserialise {deserialiseUs:F1} us, {deserialiseBytes / 1024.0:F1} KB allocated; map + point {mapUs:F1} us, {mapBytes / 1024.0:F1} KB");
    }

    /// <summary>The heap size of one <see cref="ContainerStatsSample"/>, measured by allocating some.</summary>
    private static long SampleBytes()
    {
        const int Count = 10_000;
        var keep = new ContainerStatsSample[Count];
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Count; i++)
        {
            keep[i] = new ContainerStatsSample(DateTimeOffset.UnixEpoch.AddSeconds(i), i, (ulong)i, 1, 0, 0, 0, 0, 0, 1);
        }

        var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / Count;
        GC.KeepAlive(keep);
        return bytes;
    }

    private static string Verdict(bool met) => met ? "met" : "MISSED";

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private int? DockerdPid()
    {
        var pidFile = Path.Combine(DockerFixture.SharedDirectory, "docker.pid");
        return docker.Endpoint.LocalPath == Path.Combine(DockerFixture.SharedDirectory, "docker.sock") && File.Exists(pidFile)
            && int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid) && HostSystem.IsProcessAlive(pid)
            ? pid
            : null;
    }

    // utime + stime of /proc/<pid>/stat (fields 14 and 15), in clock ticks of 10 ms (USER_HZ is 100 on Linux x86-64).
    private static TimeSpan DockerdCpu(int? pid)
    {
        if (pid is null)
        {
            return TimeSpan.Zero;
        }

        var stat = File.ReadAllText($"/proc/{pid.Value.ToString(CultureInfo.InvariantCulture)}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    private sealed record RunContainer(string Id, Guid ApplicationId);

    private sealed record MemoryFigures(long HeapBytes, long WorkingSetBytes, long AnonBytes, int Threads, int Sockets)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"heap {HeapBytes / 1024.0 / 1024.0:F1} MB   working set {WorkingSetBytes / 1024.0 / 1024.0:F1} MB (anonymous {AnonBytes / 1024.0 / 1024.0:F1} MB)   threads {Threads}   sockets {Sockets}");
    }

    private sealed record WindowFigures(
        TimeSpan Wall, TimeSpan Cpu, TimeSpan KernelCpu, TimeSpan? DockerdCpu, long Allocated, string Collections, int Points, MemoryFigures Before, MemoryFigures After)
    {
        public double CpuPercent => Cpu.TotalMilliseconds / Wall.TotalMilliseconds * 100;
    }

    /// <summary>
    /// Runs the facts in the order they are written: the monitoring cost first, while this process has hosted no web
    /// app (the in-process circuit fact leaves caches and garbage that would move its memory figures).
    /// </summary>
    public sealed class DeclarationOrder : ITestCaseOrderer
    {
        public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
            testCases.OrderBy(t => t.TestMethod.Method is IReflectionMethodInfo m ? m.MethodInfo.MetadataToken : int.MaxValue);
    }

    /// <summary>The real inventory, narrowed to this run's containers.</summary>
    private sealed class ThisRunInventory(IContainerInventory inner, string run) : IContainerInventory
    {
        public async Task<IReadOnlyList<ContainerSnapshot>> ListManagedAsync(CancellationToken ct = default) =>
            [.. (await inner.ListManagedAsync(ct)).Where(c => c.Labels.TryGetValue(RunLabel, out var value) && value == run)];

        public Task<ContainerSnapshot?> InspectAsync(string containerId, CancellationToken ct = default) => inner.InspectAsync(containerId, ct);
    }

    /// <summary>
    /// The real events stream, narrowed to this run's containers (an event's attributes carry the container's labels);
    /// it notes when the first event of a container <see cref="Watch"/>ed reached the tracker (before its inspect).
    /// </summary>
    private sealed class ThisRunEvents(IEngineEventSource inner, string run) : IEngineEventSource
    {
        private readonly ConcurrentDictionary<string, (string Action, long At)?> _first = new(StringComparer.Ordinal);

        public void Watch(string containerId) => _first[containerId] = null;

        /// <summary>The first event of the container since <see cref="Watch"/>, with the Stopwatch timestamp it arrived at.</summary>
        public (string Action, long At)? First(string containerId) => _first.GetValueOrDefault(containerId);

        public async IAsyncEnumerable<EngineEvent> StreamAsync(DateTimeOffset? since, [EnumeratorCancellation] CancellationToken ct = default)
        {
            await foreach (var engineEvent in inner.StreamAsync(since, ct))
            {
                if (engineEvent.Attributes.TryGetValue(RunLabel, out var value) && value == run)
                {
                    if (_first.TryGetValue(engineEvent.ActorId, out var seen) && seen is null)
                    {
                        _first.TryUpdate(engineEvent.ActorId, (engineEvent.Action, Stopwatch.GetTimestamp()), null);
                    }

                    yield return engineEvent;
                }
            }
        }
    }
}
