using System.Diagnostics;
using GoForge.Core.Deployments;
using GoForge.Core.Monitoring;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Xunit.Abstractions;
using Actor = GoForge.Core.Identity.Actor;

namespace GoForge.Tests.Benchmarks;

/// <summary>
/// Figures, not assertions: how long the dashboard's summary takes to read on real PostgreSQL for one user with
/// 20 projects of 5 applications, 5 deployments each. The dashboard reads it again on every container change (at most
/// once a second per open tab). Beside it, the same figures read the way it used to be (one query per environment and
/// per application), for comparison. Run with <c>bash deploy/test.sh --filter FullyQualifiedName~DashboardBenchmark</c>.
/// </summary>
[Trait("Category", "Benchmark")]
[Collection(PostgresCollection.Name)]
public sealed class DashboardBenchmark(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Projects = 20;
    private const int ApplicationsPerProject = 5;
    private const int DeploymentsPerApplication = 5;
    private const int Runs = 100;
    private TestHost _host = null!;
    private Actor _owner = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "dashboard_bench");
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
        var deployments = _host.Get<DeploymentService>();
        for (var p = 0; p < Projects; p++)
        {
            var (_, production) = await _host.Services.CreateProjectAsync(_owner, $"Project {p}");
            for (var a = 0; a < ApplicationsPerProject; a++)
            {
                var app = await _host.Services.CreateApplicationAsync(_owner, production.Id, $"app-{p}-{a}");
                for (var d = 0; d < DeploymentsPerApplication; d++)
                {
                    await deployments.EnqueueAsync(_owner, app.Id);
                }
            }
        }
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Dashboard_summary_read_time()
    {
        var dashboard = _host.Get<DashboardService>();
        output.WriteLine($"{Projects} projects × {ApplicationsPerProject} applications × {DeploymentsPerApplication} deployments, {Runs} reads each:");
        await TimeAsync("batched (two queries)", async () => (await dashboard.GetAsync(_owner)).Value!.Applications.Count);
        await TimeAsync("one query per environment and application (before)", OneByOneAsync);
    }

    /// <summary>What the dashboard did before: environments per project, applications per environment, deployments per application.</summary>
    private async Task<int> OneByOneAsync()
    {
        var count = 0;
        foreach (var summary in await _host.Get<IProjectRepository>().ListAsync(_owner.UserId))
        {
            foreach (var environment in await _host.Get<IEnvironmentRepository>().ListAsync(summary.Project.Id))
            {
                foreach (var app in await _host.Get<IApplicationRepository>().ListByEnvironmentAsync(environment.Id))
                {
                    count += (await _host.Get<IDeploymentRepository>().ListByApplicationAsync(app.Id, DashboardService.RecentDeploymentCount)).Count > 0 ? 1 : 0;
                }
            }
        }

        return count;
    }

    private async Task TimeAsync(string what, Func<Task<int>> read)
    {
        Assert.Equal(Projects * ApplicationsPerProject, await read()); // warm-up, and both read every application
        var times = new List<double>(Runs);
        for (var i = 0; i < Runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await read();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        times.Sort();
        double At(double p) => times[(int)Math.Min(times.Count - 1, Math.Round(p * (times.Count - 1)))];
        output.WriteLine($"{what}: p50 {At(0.5):0.00} ms, p95 {At(0.95):0.00} ms, max {times[^1]:0.00} ms");
    }
}
