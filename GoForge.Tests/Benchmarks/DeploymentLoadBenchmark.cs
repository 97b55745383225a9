using System.Net;
using GoForge.Core.Deployments;
using GoForge.Tests.Deployments;
using GoForge.Tests.Harness;
using Xunit.Abstractions;

namespace GoForge.Tests.Benchmarks;

/// <summary>
/// Figures, not assertions: issue 18's load (50 deploy requests at once over /api/v1 across 10 applications, the
/// real worker and engine, <see cref="DeploymentLoad.MaxConcurrent"/> at once): the API's answers to the burst, the time
/// the queue takes to drain, and a signed-in page load (the dashboard and the application pages in turn) while it
/// drains against the same pages with nothing queued. <see cref="DeploymentLoadTests"/> asserts the behaviour.
/// Run with <c>bash deploy/test.sh --filter FullyQualifiedName~DeploymentLoadBenchmark</c>.
/// </summary>
[Trait("Category", "Benchmark")]
[Collection(PostgresCollection.Name)]
public sealed class DeploymentLoadBenchmark(PostgresFixture postgres, DockerFixture docker, ITestOutputHelper output) : IClassFixture<DockerFixture>
{
    private const int Applications = 10;
    private const int PerApplication = 5;

    [Fact]
    public async Task Queue_drain_time_and_page_loads_under_fifty_deploy_requests()
    {
        await using var load = await DeploymentLoad.StartAsync(postgres, docker, "load_bench", Applications);
        await load.LoadPagesAsync(Applications + 1); // warm-up: every page rendered once
        var idle = await load.LoadPagesAsync(5 * (Applications + 1));

        var requests = await load.RequestAllAtOnceAsync(PerApplication);
        var drain = await load.LoadPagesUntilDrainedAsync(TimeSpan.FromMinutes(5));
        var deployments = await load.DeploymentsAsync();
        var ran = 0;
        foreach (var deployment in deployments)
        {
            ran += (await load.TransitionsAsync(deployment.Id)).Any(t => t.To == DeploymentState.Cloning) ? 1 : 0;
        }

        output.WriteLine($"burst: {requests.Count} requests, {requests.Count(r => r.Status == HttpStatusCode.Accepted)}×202; answers {Latencies.Describe(requests.Select(r => r.Elapsed))}");
        output.WriteLine($"drain: {drain.Elapsed.TotalSeconds:0.0} s for {ran} deployments that ran ({deployments.Count(d => d.State == DeploymentState.Running)} running, " +
            $"{deployments.Count(d => d.State == DeploymentState.Superseded)} superseded, {deployments.Count(d => d.State is DeploymentState.Failed or DeploymentState.Canceled)} failed or canceled), " +
            $"at most {await load.MostInProgressAtOnceAsync()} at once");
        output.WriteLine($"page load while draining: {Latencies.Describe(drain.PageLoads.Select(p => p.Elapsed))}; {drain.PageLoads.Count(p => p.Status != HttpStatusCode.OK)} not 200");
        output.WriteLine($"page load, queue idle:    {Latencies.Describe(idle.Select(p => p.Elapsed))}");
    }
}
