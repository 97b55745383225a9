using System.Diagnostics;
using System.Globalization;
using GoForge.Core.Auditing;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Core.Reconciliation;
using GoForge.Tests.Harness;
using GoForge.Tests.Proxy;
using GoForge.Tests.Reconciliation;
using GoForge.Tests.Support;
using Xunit.Abstractions;

namespace GoForge.Tests.Benchmarks;

/// <summary>
/// Figures, not assertions (excluded from the default run): the time of one reconciler pass over 100 applications,
/// each Running with its container up and its route in a real Caddy, with nothing to do (median of 5) and with 10
/// leftover containers to remove (median of 3). See docs/benchmarks.md, "Reconciler".
/// </summary>
[Trait("Category", "Benchmark")]
[Collection(PostgresCollection.Name)]
public sealed class ReconcilerBenchmark(PostgresFixture postgres, DockerFixture docker, CaddyFixture caddy, ITestOutputHelper output)
    : IClassFixture<DockerFixture>, IClassFixture<CaddyFixture>, IAsyncLifetime
{
    private const int Applications = 100;
    private const int Leftovers = 10;
    private CaddyPanel _panel = null!;
    private CrashScene _scene = null!;

    public async Task InitializeAsync()
    {
        _panel = await CaddyPanel.StartAsync(postgres, docker, caddy, "reconcilebench");
        _scene = new CrashScene(docker.Client, _panel.Host);
        await BusyboxImage.EnsureAsync(docker.Client);
    }

    public async Task DisposeAsync()
    {
        await _scene.DisposeAsync();
        await _panel.DisposeAsync();
    }

    [Fact]
    public async Task One_pass_over_100_applications_with_nothing_to_do_and_with_10_leftovers()
    {
        var apps = await SeedAsync();
        var reconciler = _panel.Host.Get<Reconciler>();
        Assert.Empty((await reconciler.RunAsync(CancellationToken.None)).Actions); // warm-up, and nothing to do indeed

        var idle = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var report = await reconciler.RunAsync(CancellationToken.None);
            Assert.Empty(report.Actions);
            idle.Add(report.Elapsed.TotalMilliseconds);
        }

        var withLeftovers = new List<double>();
        for (var round = 0; round < 3; round++)
        {
            foreach (var app in apps.Skip(round * Leftovers).Take(Leftovers))
            {
                var failed = await _scene.RecordDeploymentAsync(app.Id, DeploymentState.Failed);
                await _scene.RunAppContainerAsync(app, failed.Id, BusyboxImage.Tag, init: true);
            }

            var started = Stopwatch.GetTimestamp();
            var report = await reconciler.RunAsync(CancellationToken.None);
            withLeftovers.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Assert.Equal(Leftovers, report.Count(AuditActions.ReconcilerContainerRemoved));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reconciler pass, {Applications} applications running and routed through Caddy: nothing to do median {Median(idle):0} ms (runs {string.Join(", ", idle.Select(v => v.ToString("0", CultureInfo.InvariantCulture)))})"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reconciler pass with {Leftovers} leftover containers (stopped at SIGTERM, 8 at a time) removed: median {Median(withLeftovers):0} ms (runs {string.Join(", ", withLeftovers.Select(v => v.ToString("0", CultureInfo.InvariantCulture)))})"));
    }

    /// <summary>100 applications, each with a Running deployment whose container runs (a busybox, by hand: no build) and is routed.</summary>
    private async Task<List<Application>> SeedAsync()
    {
        var services = _panel.Host.Services;
        var environment = (await _panel.Host.Get<IEnvironmentRepository>().GetAsync(_panel.EnvironmentId))!;
        await _panel.Host.Get<EnvironmentNetworks>().EnsureAsync(environment.ProjectId, environment.Id);
        _scene.Track(EngineNames.EnvironmentNetwork(environment.Id));
        var routes = _panel.Host.Get<ApplicationRoutes>();
        var apps = new List<Application>();
        for (var i = 0; i < Applications; i++)
        {
            var app = await services.CreateApplicationAsync(_panel.Owner, environment.Id, $"bench{i}");
            var deploymentId = Guid.CreateVersion7();
            var containerId = await _scene.RunAppContainerAsync(app, deploymentId, BusyboxImage.Tag, init: true);
            await _scene.RecordDeploymentAsync(app.Id, DeploymentState.Running, deploymentId, BusyboxImage.Tag, containerId);
            await routes.ApplyAsync((await routes.TargetAsync(app, environment)).Value!, app, containerId, EngineNames.AppContainer(deploymentId, app.Slug));
            apps.Add(app);
        }

        return apps;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
