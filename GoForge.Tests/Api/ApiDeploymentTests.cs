using System.Net;
using System.Text.Json;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Cli.Remote;

namespace GoForge.Tests.Api;

/// <summary>Deployments over /api/v1: trigger, get, list, cancel, log, and the shape the CLI's remote mode reads.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiDeploymentTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GoForgeApp _app = null!;
    private User _owner = null!;

    public async Task InitializeAsync()
    {
        _app = await GoForgeApp.StartAsync(postgres, "apideploy", services: GoForgeApp.WithoutDeploymentWorker);
        _owner = await _app.CreateUserAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_triggered_deployment_is_202_pending_from_the_api_and_get_shows_it_in_camel_case()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Trigger");
        var client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read | ApiScope.Deploy));

        var posted = await client.SendAsync(HttpMethod.Post, $"/api/v1/applications/{world.Application.Id}/deployments", new { commitSha = (string?)null });
        var created = await posted.JsonAsync();
        var id = created.GetProperty("id").GetString();
        var fetched = await (await client.GetAsync($"/api/v1/deployments/{id}")).JsonAsync();

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        Assert.Equal($"/api/v1/deployments/{id}", posted.Headers.Location?.OriginalString);
        Assert.Equal("pending", fetched.GetProperty("state").GetString());
        Assert.Equal("api", fetched.GetProperty("source").GetString());
        Assert.Equal(world.Application.Id.ToString(), fetched.GetProperty("applicationId").GetString());
        Assert.Equal(JsonValueKind.Null, fetched.GetProperty("reason").ValueKind);
        Assert.Equal(JsonValueKind.Null, fetched.GetProperty("commitSha").ValueKind);
        Assert.True(fetched.TryGetProperty("updatedAt", out _));
        var stored = await _app.Get<DeploymentService>().GetAsync(Actor.From(_owner), Guid.Parse(id!));
        Assert.Equal(DeploymentSource.Api, stored.Value!.Source);
    }

    [Fact]
    public async Task The_clis_remote_client_reads_the_real_api_trigger_and_get()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Cli shapes");
        var cli = new GoForgeApiClient(_app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read | ApiScope.Deploy)));

        var queued = await cli.QueueDeploymentAsync(world.Application.Id, CancellationToken.None);
        var read = await cli.GetDeploymentAsync(queued.Value!.Id, CancellationToken.None);

        Assert.True(queued.IsSuccess, queued.Error?.Message);
        Assert.Equal(world.Application.Id, queued.Value.ApplicationId);
        Assert.Equal("pending", read.Value!.State);
        Assert.NotNull(read.Value.UpdatedAt);
    }

    [Fact]
    public async Task A_commit_that_is_not_a_full_sha_is_a_400_naming_commitSha_and_queues_nothing()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Bad commit");
        var client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Deploy));

        var problem = await (await client.SendAsync(HttpMethod.Post, $"/api/v1/applications/{world.Application.Id}/deployments", new { commitSha = "main; rm -rf /" })).AssertProblemAsync(400);

        Assert.True(problem.GetProperty("errors").TryGetProperty("commitSha", out _));
        var listed = await _app.Get<DeploymentService>().ListAsync(Actor.From(_owner), world.Application.Id);
        Assert.Equal([world.Deployment.Id], listed.Value!.Select(d => d.Id));
    }

    [Fact]
    public async Task Canceling_a_pending_deployment_answers_it_canceled_and_a_second_cancel_is_409()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Cancel");
        var client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Deploy));
        var id = (await (await client.SendAsync(HttpMethod.Post, $"/api/v1/applications/{world.Application.Id}/deployments", new { })).JsonAsync()).GetProperty("id").GetString();

        var canceled = await client.SendAsync(HttpMethod.Post, $"/api/v1/deployments/{id}/cancel");
        var again = await client.SendAsync(HttpMethod.Post, $"/api/v1/deployments/{id}/cancel");

        Assert.Equal(HttpStatusCode.OK, canceled.StatusCode);
        Assert.Equal("canceled", (await canceled.JsonAsync()).GetProperty("state").GetString());
        await again.AssertProblemAsync(409);
    }

    [Fact]
    public async Task The_deployment_list_pages_newest_first()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "List");
        var client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read | ApiScope.Deploy));
        var newest = "";
        for (var i = 0; i < 2; i++)
        {
            newest = (await (await client.SendAsync(HttpMethod.Post, $"/api/v1/applications/{world.Application.Id}/deployments", new { })).JsonAsync()).GetProperty("id").GetString()!;
        }

        var first = await (await client.GetAsync($"/api/v1/applications/{world.Application.Id}/deployments?limit=2")).JsonAsync();
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await (await client.GetAsync($"/api/v1/applications/{world.Application.Id}/deployments?limit=2&cursor={cursor}")).JsonAsync();

        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        Assert.Equal(newest, first.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal([world.Deployment.Id.ToString()], second.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetString()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task The_log_pages_by_line_number_and_a_bad_offset_is_400()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Log");
        await _app.Get<IDeploymentRepository>().AppendLogAsync(world.Deployment.Id, ["cloning", "building", "done"], DateTimeOffset.UtcNow);
        var client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read));

        var first = await (await client.GetAsync($"/api/v1/deployments/{world.Deployment.Id}/log?limit=2")).JsonAsync();
        var next = first.GetProperty("nextOffset").GetInt32();
        var rest = await (await client.GetAsync($"/api/v1/deployments/{world.Deployment.Id}/log?offset={next}")).JsonAsync();
        var bad = await (await client.GetAsync($"/api/v1/deployments/{world.Deployment.Id}/log?offset=-1")).AssertProblemAsync(400);

        Assert.Equal(["cloning", "building"], first.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("text").GetString()));
        Assert.Equal(["done"], rest.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("text").GetString()));
        Assert.True(bad.GetProperty("errors").TryGetProperty("offset", out _));
    }
}
