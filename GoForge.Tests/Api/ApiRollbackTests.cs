using System.Net;
using System.Text.Json;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Projects;
using GoForge.Tests.Deployments;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Api;

/// <summary>
/// <c>POST /api/v1/applications/{id}/rollback</c> end to end: the real panel with its deployment worker running, real
/// PostgreSQL and the real engine. Two commits are deployed through the API, a rollback to the first is asked for
/// with a deploy|read token and followed through <c>GET /api/v1/deployments/{id}</c> until the first commit's image
/// serves again; a target that belongs to another user's application is 404 and queues nothing.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiRollbackTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan BuildWait = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(15);

    private DeployScenario _scenario = null!;
    private Application _application = null!;
    private HttpClient _client = null!;

    private GoForgeApp App => _scenario.App;

    public async Task InitializeAsync()
    {
        _scenario = await DeployScenario.StartAsync(postgres, docker, "apirollback", settings: new Dictionary<string, string?>
        {
            // Polling GET every 50 ms through a build would pass the default 600 requests a minute per token.
            ["GoForge:Api:RequestsPerMinutePerToken"] = "100000",
        });
        _application = await _scenario.CreateApplicationAsync(_scenario.Actor, "own");
        _client = App.TokenClient(await App.CreateTokenAsync(_scenario.Owner, ApiScope.Deploy | ApiScope.Read));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _scenario.DisposeAsync();
    }

    [Fact]
    public async Task Rollback_to_the_first_deployment_is_202_and_ends_running_the_first_commits_image_while_the_second_is_rolled_back()
    {
        var (one, two) = CommitTwoVersions();
        var v1 = await DeployAsync(_client, _application, one);
        var v2 = await DeployAsync(_client, _application, two);
        Assert.Equal($"two {_scenario.Nonce}", await ContainerHttp.GetRootAsync(docker.Client, v2.ContainerId!));

        var posted = await _client.SendAsync(HttpMethod.Post, $"/api/v1/applications/{_application.Id}/rollback", new { targetDeploymentId = v1.Id });

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var queued = await posted.JsonAsync();
        var id = Guid.Parse(queued.GetProperty("id").GetString()!);
        Assert.Equal($"/api/v1/deployments/{id}", posted.Headers.Location?.OriginalString);
        Assert.Equal("pending", queued.GetProperty("state").GetString());
        Assert.Equal("rollback", queued.GetProperty("source").GetString());
        Assert.Equal(v1.Id.ToString(), queued.GetProperty("rollbackOf").GetString());
        Assert.Equal(one, queued.GetProperty("commitSha").GetString());
        Assert.Equal(_application.Id.ToString(), queued.GetProperty("applicationId").GetString());

        var finished = await WaitFinishedAsync(_client, id);
        Assert.True(finished.GetProperty("state").GetString() == "running", $"the rollback ended {finished}\n{await LogAsync(id)}");
        Assert.Equal("rollback", finished.GetProperty("source").GetString());
        Assert.Equal(one, finished.GetProperty("commitSha").GetString());
        // The API does not show image tags: the stored row says which image the rollback started.
        var rollback = (await App.Get<IDeploymentRepository>().GetAsync(id))!;
        Assert.NotNull(v1.ImageTag);
        Assert.NotEqual(v1.ImageTag, v2.ImageTag);
        Assert.Equal(v1.ImageTag, rollback.ImageTag);
        Assert.Equal($"one {_scenario.Nonce}", await ContainerHttp.GetRootAsync(docker.Client, rollback.ContainerId!));

        var second = await (await _client.GetAsync($"/api/v1/deployments/{v2.Id}")).JsonAsync();
        Assert.Equal("rolledBack", second.GetProperty("state").GetString());
        await Wait.UntilAsync(async () => (await AppContainersAsync(_application)).SequenceEqual([rollback.ContainerId!]),
            "the second deployment's container to be removed", Promptly);
    }

    [Fact]
    public async Task Rollback_to_a_deployment_of_another_users_application_is_404_and_queues_nothing()
    {
        var (one, two) = CommitTwoVersions();
        var stranger = await App.CreateUserAsync();
        var theirs = await _scenario.CreateApplicationAsync(Actor.From(stranger), "theirs");
        using var strangerClient = App.TokenClient(await App.CreateTokenAsync(stranger, ApiScope.Deploy | ApiScope.Read));
        var theirFirst = await DeployAsync(strangerClient, theirs, one);
        await DeployAsync(strangerClient, theirs, two);
        await DeployAsync(_client, _application, one);
        var ownRunning = await DeployAsync(_client, _application, two);
        // Their first deployment is a real rollback target of their own application, and the owner's has one too.
        Assert.Equal(DeploymentState.Superseded, (await App.Get<IDeploymentRepository>().GetAsync(theirFirst.Id))!.State);
        Assert.NotEmpty((await App.Get<DeploymentService>().RollbackTargetsAsync(_scenario.Actor, _application.Id)).Value!);
        var ownBefore = await IdsAsync(_application);
        var theirsBefore = await IdsAsync(theirs);

        var foreignTarget = await _client.SendAsync(HttpMethod.Post, $"/api/v1/applications/{_application.Id}/rollback", new { targetDeploymentId = theirFirst.Id });
        var foreignApplication = await _client.SendAsync(HttpMethod.Post, $"/api/v1/applications/{theirs.Id}/rollback", new { targetDeploymentId = theirFirst.Id });

        await foreignTarget.AssertProblemAsync(404);
        await foreignApplication.AssertProblemAsync(404);
        Assert.Equal(ownBefore, await IdsAsync(_application));
        Assert.Equal(theirsBefore, await IdsAsync(theirs));
        var own = await (await _client.GetAsync($"/api/v1/deployments/{ownRunning.Id}")).JsonAsync();
        Assert.Equal("running", own.GetProperty("state").GetString());
        Assert.Equal($"two {_scenario.Nonce}", await ContainerHttp.GetRootAsync(docker.Client, ownRunning.ContainerId!));
    }

    /// <summary>Two versions of the sample repository, serving "one …" and then "two …"; their commit ids.</summary>
    private (string One, string Two) CommitTwoVersions() => (
        _scenario.Repository.Commit("One", SampleDockerfiles.ServesIndex(_scenario.Nonce), new Dictionary<string, string> { ["index.html"] = $"one {_scenario.Nonce}\n" }),
        _scenario.Repository.Commit("Two", SampleDockerfiles.ServesIndex(_scenario.Nonce), new Dictionary<string, string> { ["index.html"] = $"two {_scenario.Nonce}\n" }));

    /// <summary>Queues the commit through the API, waits for the worker to finish it and asserts it is running.</summary>
    private async Task<Deployment> DeployAsync(HttpClient client, Application application, string commitSha)
    {
        var posted = await client.SendAsync(HttpMethod.Post, $"/api/v1/applications/{application.Id}/deployments", new { commitSha });
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var id = Guid.Parse((await posted.JsonAsync()).GetProperty("id").GetString()!);
        var finished = await WaitFinishedAsync(client, id);
        Assert.True(finished.GetProperty("state").GetString() == "running", $"deployment of {commitSha} ended {finished}\n{await LogAsync(id)}");
        var deployment = (await App.Get<IDeploymentRepository>().GetAsync(id))!;
        Assert.Equal(commitSha, deployment.CommitSha);
        return deployment;
    }

    /// <summary>Polls <c>GET /api/v1/deployments/{id}</c> until the deployment is no longer pending or in progress.</summary>
    private static async Task<JsonElement> WaitFinishedAsync(HttpClient client, Guid id)
    {
        JsonElement last = default;
        await Wait.UntilAsync(async () =>
        {
            var response = await client.GetAsync($"/api/v1/deployments/{id}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            last = await response.JsonAsync();
            return last.GetProperty("state").GetString() is not ("pending" or "cloning" or "building" or "deploying");
        }, $"deployment {id} to finish", BuildWait);
        return last;
    }

    private async Task<List<Guid>> IdsAsync(Application application) =>
        (await App.Get<IDeploymentRepository>().ListByApplicationAsync(application.Id, 50)).Select(d => d.Id).Order().ToList();

    private Task<IReadOnlyList<string>> AppContainersAsync(Application application) =>
        App.Get<IContainerRuntime>().ListContainersAsync(new Dictionary<string, string> { ["goforge.app"] = application.Id.ToString() });

    private async Task<string> LogAsync(Guid id) =>
        string.Join("\n", (await App.Get<IDeploymentRepository>().ListLogAsync(id, 0, 10000)).Select(l => l.Text));
}
