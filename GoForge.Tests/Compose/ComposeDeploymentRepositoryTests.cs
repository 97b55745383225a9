using Dapper;
using GoForge.Core.Compose;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Npgsql;

namespace GoForge.Tests.Compose;

/// <summary>A compose deployment's snapshot and per-service rows on real PostgreSQL (migration 0023).</summary>
[Collection(PostgresCollection.Name)]
public sealed class ComposeDeploymentRepositoryTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;
    private Guid _appId;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "composerepo");
        var owner = Actor.From(await TestUsers.CreateAsync(_host));
        var (_, production) = await _host.Services.CreateProjectAsync(owner, "Compose rows");
        _appId = (await _host.Services.CreateApplicationAsync(owner, production.Id, "stack")).Id;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private IComposeDeployments Compose => _host.Get<IComposeDeployments>();

    [Fact]
    public async Task A_snapshot_round_trips_with_every_file_and_a_deployment_without_one_has_none()
    {
        var deployment = await QueueAsync();
        var snapshot = new ComposeSnapshot("deploy/compose.yaml", new Dictionary<string, string>
        {
            ["deploy/compose.yaml"] = "services:\n  web:\n    image: busybox # ünïcode \"quoted\" ${VAR}\n",
            ["deploy/.env.web"] = "A=1\nB='two words'\n",
        });

        await Compose.SaveSnapshotAsync(deployment, snapshot);

        var read = await Compose.GetSnapshotAsync(deployment);
        Assert.NotNull(read);
        Assert.Equal("deploy/compose.yaml", read.ComposePath);
        Assert.Equal(snapshot.Files.OrderBy(f => f.Key, StringComparer.Ordinal), read.Files.OrderBy(f => f.Key, StringComparer.Ordinal));
        Assert.Null(await Compose.GetSnapshotAsync(await QueueAsync()));
    }

    [Fact]
    public async Task A_snapshot_over_the_cap_or_without_its_compose_file_is_refused_and_nothing_is_stored()
    {
        var deployment = await QueueAsync();
        var huge = new ComposeSnapshot("compose.yaml", new Dictionary<string, string> { ["compose.yaml"] = new string('x', 1024 * 1024 + 1) });
        var headless = new ComposeSnapshot("compose.yaml", new Dictionary<string, string> { ["other.yaml"] = "services: {}" });

        await Assert.ThrowsAsync<ArgumentException>(() => Compose.SaveSnapshotAsync(deployment, huge));
        await Assert.ThrowsAsync<ArgumentException>(() => Compose.SaveSnapshotAsync(deployment, headless));

        Assert.Null(await Compose.GetSnapshotAsync(deployment));
    }

    [Fact]
    public async Task Services_come_back_in_start_order_whatever_order_they_were_saved_in()
    {
        var deployment = await QueueAsync();
        await Compose.SaveServiceAsync(deployment, new ComposeServiceRecord("worker", 2, "goforge/stack-worker:1", "c2", false, ComposeServiceState.Running));
        await Compose.SaveServiceAsync(deployment, new ComposeServiceRecord("db", 0, "postgres:17", "c0", false, ComposeServiceState.Running));
        await Compose.SaveServiceAsync(deployment, new ComposeServiceRecord("web", 1, "goforge/stack-web:1", "c1", true, ComposeServiceState.Starting));

        var services = await Compose.ListServicesAsync(deployment);

        Assert.Equal(["db", "web", "worker"], services.Select(s => s.Service));
        Assert.Equal(new ComposeServiceRecord("web", 1, "goforge/stack-web:1", "c1", true, ComposeServiceState.Starting), services[1]);
        Assert.Empty(await Compose.ListServicesAsync(await QueueAsync()));
    }

    [Fact]
    public async Task Saving_a_service_again_replaces_its_row_and_leaves_the_others()
    {
        var deployment = await QueueAsync();
        await Compose.SaveServiceAsync(deployment, new ComposeServiceRecord("web", 0, null, null, true, ComposeServiceState.Pending));
        await Compose.SaveServiceAsync(deployment, new ComposeServiceRecord("worker", 1, null, null, false, ComposeServiceState.Pending));

        var failed = new ComposeServiceRecord("web", 0, "goforge/stack-web:1", "abc123", true, ComposeServiceState.Failed, new string('r', 5000));
        await Compose.SaveServiceAsync(deployment, failed);

        var services = await Compose.ListServicesAsync(deployment);
        Assert.Equal(2, services.Count);
        Assert.Equal(failed with { Reason = new string('r', 4000) }, services[0]);
        Assert.Equal(ComposeServiceState.Pending, services[1].State);
    }

    [Fact]
    public async Task Every_state_is_stored_and_read_back_as_itself()
    {
        var deployment = await QueueAsync();
        var states = Enum.GetValues<ComposeServiceState>();
        for (var i = 0; i < states.Length; i++)
        {
            await Compose.SaveServiceAsync(deployment, new ComposeServiceRecord($"s{i}", i, null, null, false, states[i]));
        }

        Assert.Equal(states, (await Compose.ListServicesAsync(deployment)).Select(s => s.State));
    }

    [Fact]
    public async Task Deleting_a_deployment_deletes_its_snapshot_and_service_rows_and_no_other_deployments()
    {
        var doomed = await QueueAsync();
        var kept = await QueueAsync();
        foreach (var deployment in new[] { doomed, kept })
        {
            await Compose.SaveSnapshotAsync(deployment, new ComposeSnapshot("compose.yaml", new Dictionary<string, string> { ["compose.yaml"] = "services: {}" }));
            await Compose.SaveServiceAsync(deployment, new ComposeServiceRecord("web", 0, null, null, true, ComposeServiceState.Running));
        }

        await using (var conn = new NpgsqlConnection(_host.ConnectionString))
        {
            await conn.ExecuteAsync("DELETE FROM deployments WHERE id = @doomed", new { doomed });
            Assert.Equal(0, await conn.ExecuteScalarAsync<int>(
                "SELECT (SELECT count(*) FROM compose_services WHERE deployment_id = @doomed) + (SELECT count(*) FROM compose_snapshots WHERE deployment_id = @doomed)",
                new { doomed }));
        }

        Assert.Single(await Compose.ListServicesAsync(kept));
        Assert.NotNull(await Compose.GetSnapshotAsync(kept));
    }

    [Fact]
    public async Task The_database_refuses_a_service_name_that_is_not_a_compose_name()
    {
        var deployment = await QueueAsync();

        await Assert.ThrowsAsync<PostgresException>(() =>
            Compose.SaveServiceAsync(deployment, new ComposeServiceRecord("web; DROP TABLE x", 0, null, null, false, ComposeServiceState.Pending)));
    }

    private async Task<Guid> QueueAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var deployment = new Deployment
        {
            Id = Guid.CreateVersion7(now), ApplicationId = _appId, State = DeploymentState.Failed, Source = DeploymentSource.Manual,
            CreatedAt = now, UpdatedAt = now,
        };
        return (await _host.Get<IDeploymentRepository>().QueueAsync(deployment, Supersession.Of(deployment))).Deployment.Id;
    }
}
