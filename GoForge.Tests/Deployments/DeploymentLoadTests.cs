using System.Net;
using GoForge.Core.Deployments;
using GoForge.Tests.Harness;

namespace GoForge.Tests.Deployments;

/// <summary>
/// Issue 18's load: 50 deploy requests at once over /api/v1 across 10 applications, on the real panel, worker and
/// engine. What must hold is behaviour, never speed (the figures are in <c>DeploymentLoadBenchmark</c>).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DeploymentLoadTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private const int Applications = 10;
    private const int PerApplication = 5;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(150);
    private DeploymentLoad _load = null!;

    public async Task InitializeAsync() => _load = await DeploymentLoad.StartAsync(postgres, docker, "load", Applications);

    public async Task DisposeAsync() => await _load.DisposeAsync();

    [Fact]
    public async Task Fifty_deploy_requests_at_once_are_all_recorded_run_within_the_limit_and_each_app_ends_on_its_newest()
    {
        var requests = await _load.RequestAllAtOnceAsync(PerApplication);
        var drain = await _load.LoadPagesUntilDrainedAsync(DrainTimeout);
        var deployments = await _load.DeploymentsAsync();

        // All recorded: every request answered 202 with its own deployment, and nothing else was queued.
        Assert.All(requests, r => Assert.Equal(HttpStatusCode.Accepted, r.Status));
        Assert.Equal(requests.Select(r => r.DeploymentId!.Value).Order(), deployments.Select(d => d.Id).Order());

        // The limit held, and nothing is stuck waiting or in progress.
        Assert.InRange(await _load.MostInProgressAtOnceAsync(), 1, DeploymentLoad.MaxConcurrent);
        Assert.DoesNotContain(deployments, d => d.State is DeploymentState.Pending or DeploymentState.Cloning or DeploymentState.Building or DeploymentState.Deploying);

        // Each application serves its newest request; every older one was superseded (waiting, or after it served).
        foreach (var app in _load.Applications)
        {
            var ofApp = deployments.Where(d => d.ApplicationId == app.Id).OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).ToList();
            Assert.Equal(PerApplication, ofApp.Count);
            Assert.True(ofApp[0].State == DeploymentState.Running, $"{app.Name}'s newest deployment ended {ofApp[0].State}: {ofApp[0].Reason}");
            Assert.All(ofApp.Skip(1), d => Assert.Equal(DeploymentState.Superseded, d.State));
        }

        // The panel answered every page load while the queue drained.
        Assert.NotEmpty(drain.PageLoads);
        Assert.All(drain.PageLoads, p => Assert.True(p.Status == HttpStatusCode.OK, $"{p.Path} answered {(int)p.Status}"));
    }
}
