using System.Diagnostics;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Git;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace GoForge.Tests.Benchmarks;

/// <summary>
/// Figures, not assertions (excluded from the default run): GoForge's Pending → Running time against the same
/// work done by hand with the same adapters, a no-change redeploy, and enqueue → worker pick-up. Run with
/// <c>bash deploy/test.sh --filter Category=Benchmark</c> (see docs/benchmarks.md).
/// </summary>
[Trait("Category", "Benchmark")]
[Collection(PostgresCollection.Name)]
public sealed class DeploymentBenchmark(PostgresFixture postgres, DockerFixture docker, ITestOutputHelper output) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private const int Runs = 5;
    /// <summary>The hand-made run's project and environment id: one network, made once and reused, like the old <c>goforge-bench</c>.</summary>
    private static readonly Guid BenchOwner = new("0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b");

    private readonly string _root = Directory.CreateTempSubdirectory("goforge-bench-").FullName;
    private TestHost _host = null!;
    private Actor _owner = null!;
    private Guid _appId;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "bench", new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:Deployments:WorkDirectory"] = Path.Combine(_root, "work"),
        });
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
        var project = (await _host.Get<ProjectService>().CreateAsync(_owner, new ProjectInput("Bench", null))).Value!;
        var environment = (await _host.Get<EnvironmentService>().ListAsync(_owner, project.Id)).Value![0];
        var source = Path.Combine(_root, "src");
        Directory.CreateDirectory(source);
        File.Copy(BusyboxImage.BusyboxPath, Path.Combine(source, "busybox"));
        File.WriteAllText(Path.Combine(source, "Dockerfile"), """
            FROM scratch
            COPY busybox /bin/busybox
            RUN ["/bin/busybox", "--install", "-s", "/bin"]
            CMD ["/bin/sh", "-c", "mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p 8080 -h /www"]
            """);
        GitCli.Run(source, "init", "-q", "-b", "main");
        GitCli.Run(source, "add", "-A");
        GitCli.Run(source, "-c", "user.name=Bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "bench");
        GitCli.Run(_root, "clone", "-q", "--bare", source, Path.Combine(_root, "app.git"));
        _appId = (await _host.Get<ApplicationService>().CreateAsync(_owner, environment.Id, new ApplicationInput
        {
            Name = "bench", GitUrl = Path.Combine(_root, "app.git"), ContainerPort = 8080, HealthCheckPath = "/",
        })).Value!.Id;
    }

    public async Task DisposeAsync()
    {
        var runtime = _host.Get<IContainerRuntime>();
        foreach (var id in await runtime.ListContainersAsync(new Dictionary<string, string> { ["goforge.bench"] = "true" }))
        {
            await runtime.StopAndRemoveAsync(id);
        }

        foreach (var id in await runtime.ListContainersAsync(new Dictionary<string, string> { ["goforge.app"] = _appId.ToString() }))
        {
            await runtime.StopAndRemoveAsync(id);
        }

        await _host.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Pipeline_overhead_redeploy_and_pickup_latency()
    {
        var goforge = new List<double>();
        var byHand = new List<double>();
        var goforgeSteps = new List<double[]>();
        var byHandSteps = new List<double[]>();
        for (var i = 0; i < Runs; i++)
        {
            var hand = await ByHandAsync(i);
            byHand.Add(hand.Sum());
            byHandSteps.Add(hand);
            var ours = await GoForgeAsync();
            goforge.Add(ours.Sum());
            goforgeSteps.Add(ours);
        }

        var sameCommit = new List<double>();
        var sameCommitByHand = new List<double>();
        var sameCommitSteps = new List<double[]>();
        for (var i = 0; i < Runs; i++)
        {
            var (total, skipSteps, tag) = await SameCommitAsync();
            sameCommit.Add(total);
            sameCommitSteps.Add(skipSteps);
            sameCommitByHand.Add(await StartByHandAsync(tag));
        }

        var pickup = await PickupLatencyAsync();
        var medianGoForge = Median(goforge);
        var medianByHand = Median(byHand);
        output.WriteLine($"runs: {Runs} (first of each is a cold build cache; later ones are no-change redeploys)");
        output.WriteLine($"GoForge Pending->Running  median {medianGoForge:F0} ms  [{string.Join(", ", goforge.Select(v => v.ToString("F0")))}]");
        output.WriteLine($"by hand clone+build+run   median {medianByHand:F0} ms  [{string.Join(", ", byHand.Select(v => v.ToString("F0")))}]");
        output.WriteLine($"overhead ratio            {medianGoForge / medianByHand:F2}  (target <= 1.10)");
        output.WriteLine($"no-change redeploy        median {Median(goforge.Skip(1).ToList()):F0} ms  (target < 3000)");
        string[] steps = ["pick-up", "clone", "build", "start + health"];
        for (var step = 0; step < steps.Length; step++)
        {
            output.WriteLine($"  step {steps[step],-15} GoForge median {Median(goforgeSteps.Select(s => s[step]).ToList()),6:F0} ms   by hand median {Median(byHandSteps.Select(s => s[step]).ToList()),6:F0} ms");
        }

        output.WriteLine($"same-commit redeploy      median {Median(sameCommit):F0} ms  [{string.Join(", ", sameCommit.Select(v => v.ToString("F0")))}]  (target <= 400; clone and build skipped)");
        output.WriteLine($"by hand start + health    median {Median(sameCommitByHand):F0} ms  [{string.Join(", ", sameCommitByHand.Select(v => v.ToString("F0")))}]  (same image)");
        string[] skipNames = ["Pending -> Cloning", "Cloning -> Deploying (head asked, image found)", "Deploying -> Running (start, health, route)"];
        for (var step = 0; step < skipNames.Length; step++)
        {
            output.WriteLine($"  step {skipNames[step],-48} median {Median(sameCommitSteps.Select(s => s[step]).ToList()),6:F0} ms");
        }

        output.WriteLine($"enqueue -> pick-up        median {Median(pickup):F1} ms  [{string.Join(", ", pickup.Select(v => v.ToString("F1")))}]  (target < 50)");
        Assert.Equal(Runs, goforge.Count);
    }

    /// <summary>GoForge's steps from the recorded transitions: pick-up, clone, build, start + health.</summary>
    private async Task<double[]> GoForgeAsync()
    {
        // Forced: these figures are of the clone and build pipeline; the same-commit skip is measured apart (SameCommitAsync).
        var queued = (await _host.Get<DeploymentService>().EnqueueAsync(_owner, _appId, null, DeploymentSource.Manual, forceRebuild: true)).Value!;
        var started = (await _host.Get<DeploymentStates>().TransitionAsync(queued.Id, DeploymentTrigger.Start, TransitionRequest.System())).Value!;
        await _host.Get<IDeploymentRunner>().RunAsync(started, CancellationToken.None);

        // Pending -> Running from the recorded transitions; retiring the previous container happens after Running.
        var history = await _host.Get<IDeploymentRepository>().ListTransitionsAsync(queued.Id);
        if (Environment.GetEnvironmentVariable("GOFORGE_BENCH_LOG") == "1")
        {
            foreach (var line in await _host.Get<IDeploymentRepository>().ListLogAsync(queued.Id, 0, 1000))
            {
                output.WriteLine($"  {line.LoggedAt:HH:mm:ss.fff} {line.Text}");
            }

            foreach (var step in history)
            {
                output.WriteLine($"  {step.OccurredAt:HH:mm:ss.fff} -> {step.To}");
            }
        }

        DateTimeOffset At(DeploymentState state) => history.First(h => h.To == state).OccurredAt;
        DeploymentState[] marks = [DeploymentState.Pending, DeploymentState.Cloning, DeploymentState.Building, DeploymentState.Deploying, DeploymentState.Running];
        return marks.Skip(1).Select((state, i) => (At(state) - At(marks[i])).TotalMilliseconds).ToArray();
    }

    /// <summary>
    /// A redeploy of the commit that runs: Pending -> Running from the recorded transitions (total and per step), and
    /// the image it started. The branch head is asked without a clone, and the kept image is started.
    /// </summary>
    private async Task<(double Total, double[] Steps, string Tag)> SameCommitAsync()
    {
        var queued = (await _host.Get<DeploymentService>().EnqueueAsync(_owner, _appId)).Value!;
        var started = (await _host.Get<DeploymentStates>().TransitionAsync(queued.Id, DeploymentTrigger.Start, TransitionRequest.System())).Value!;
        await _host.Get<IDeploymentRunner>().RunAsync(started, CancellationToken.None);
        var repository = _host.Get<IDeploymentRepository>();
        var history = await repository.ListTransitionsAsync(queued.Id);
        var ran = (await repository.GetAsync(queued.Id))!;
        Assert.True(ran.State == DeploymentState.Running, $"{ran.State}: {ran.Reason}");
        Assert.DoesNotContain(history, h => h.To == DeploymentState.Building);
        DateTimeOffset At(DeploymentState state) => history.First(h => h.To == state).OccurredAt;
        DeploymentState[] marks = [DeploymentState.Pending, DeploymentState.Cloning, DeploymentState.Deploying, DeploymentState.Running];
        var steps = marks.Skip(1).Select((state, i) => (At(state) - At(marks[i])).TotalMilliseconds).ToArray();
        return ((At(DeploymentState.Running) - At(DeploymentState.Pending)).TotalMilliseconds, steps, ran.ImageTag!);
    }

    /// <summary>The same image started by hand on the environment's kind of network, until healthy: the floor of a same-commit redeploy.</summary>
    private async Task<double> StartByHandAsync(string tag)
    {
        var clock = Stopwatch.StartNew();
        // The image is GoForge's build for this application: the label guard runs it only for the same application.
        var id = await StartHealthyAsync(tag, new Dictionary<string, string> { ["goforge.bench"] = "true", [GoForgeLabels.App] = _appId.ToString() });
        clock.Stop();
        await _host.Get<IContainerRuntime>().StopAndRemoveAsync(id);
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>As a deployment does: the environment's network ensured (owned, created once), the container started, then awaited healthy.</summary>
    private async Task<string> StartHealthyAsync(string tag, Dictionary<string, string> labels)
    {
        var runtime = _host.Get<IContainerRuntime>();
        var network = await _host.Get<EnvironmentNetworks>().EnsureAsync(BenchOwner, BenchOwner, CancellationToken.None);
        var id = await runtime.CreateAndStartAsync(new ContainerSpec
        {
            Name = $"goforge-bench-{Guid.NewGuid():N}"[..30],
            Image = tag,
            Network = network.Id,
            ContainerPort = 8080,
            Labels = labels,
        }, CancellationToken.None);
        var health = await runtime.WaitHealthyAsync(id, "/", 8080, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.True(health.IsHealthy);
        return id;
    }

    /// <summary>The same steps by hand: (no pick-up), clone, build, start + health.</summary>
    private async Task<double[]> ByHandAsync(int run)
    {
        var target = Path.Combine(_root, "hand", run.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var runtime = _host.Get<IContainerRuntime>();
        var clock = Stopwatch.StartNew();
        var steps = new double[4];
        await _host.Get<IGitClient>().CloneAsync(new GitCloneRequest(Path.Combine(_root, "app.git"), "main", null, target, null) { AllowPrivateNetworks = true }, null, CancellationToken.None);
        steps[1] = clock.Elapsed.TotalMilliseconds;
        var tag = $"goforge-bench/hand:{run}";
        await _host.Get<IImageBuilder>().BuildAsync(new ImageBuildRequest(target, "Dockerfile", tag, new Dictionary<string, string>(),
            // The same kind of labels GoForge puts on each build: one of them differs every time.
            new Dictionary<string, string> { ["bench.hand"] = "true", ["bench.deployment"] = Guid.NewGuid().ToString() }), new Progress<string>(), CancellationToken.None);
        steps[2] = clock.Elapsed.TotalMilliseconds - steps[1];
        var id = await StartHealthyAsync(tag, new Dictionary<string, string> { ["goforge.bench"] = "true" });
        clock.Stop();
        steps[3] = clock.Elapsed.TotalMilliseconds - steps[1] - steps[2];

        // Like GoForge's figure, the clock stops when the new container is healthy; the removal is not counted.
        await runtime.StopAndRemoveAsync(id);
        return steps;
    }

    private async Task<List<double>> PickupLatencyAsync()
    {
        var runner = new TimingRunner(_host.Get<DeploymentStates>());
        var worker = new DeploymentWorker(_host.Get<IDeploymentRepository>(), _host.Get<DeploymentStates>(), _host.Get<DeploymentSignal>(), runner,
            Options.Create(new DeploymentOptions { IdlePollInterval = TimeSpan.FromSeconds(30) }), _host.Get<GoForge.Core.Operations.GoForgeMetrics>(), NullLogger<DeploymentWorker>.Instance);
        await worker.StartAsync(CancellationToken.None);
        var latencies = new List<double>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                runner.Next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                runner.Done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var clock = Stopwatch.StartNew();
                await _host.Get<DeploymentService>().EnqueueAsync(_owner, _appId);
                await runner.Next.Task.WaitAsync(TimeSpan.FromSeconds(30));
                latencies.Add(clock.Elapsed.TotalMilliseconds);
                await runner.Done.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }

        return latencies;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Marks the moment the worker hands a deployment over, then ends it at once so the next one can run.</summary>
    private sealed class TimingRunner(DeploymentStates states) : IDeploymentRunner
    {
        public TaskCompletionSource Next { get; set; } = new();

        public TaskCompletionSource Done { get; set; } = new();

        public async Task RunAsync(Deployment deployment, CancellationToken ct)
        {
            Next.TrySetResult();
            await states.TransitionAsync(deployment.Id, DeploymentTrigger.Fail, TransitionRequest.System("benchmark: pick-up only"), ct);
            Done.TrySetResult();
        }
    }
}
