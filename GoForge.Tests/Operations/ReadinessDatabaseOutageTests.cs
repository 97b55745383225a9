using System.Net;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Operations;

/// <summary>
/// <c>/readyz</c> follows GoForge's database: the test runs the panel on a PostgreSQL cluster of its own (never the
/// shared one other tests use), stops it with pg_ctl and starts it again.
/// </summary>
public sealed class ReadinessDatabaseOutageTests(DockerFixture docker) : IClassFixture<DockerFixture>
{
    [Fact]
    public async Task Readyz_turns_503_when_the_database_stops_and_200_again_when_it_starts()
    {
        await using var postgres = await PrivatePostgres.StartAsync("goforge_readyz");
        await using var app = GoForgeApp.StartOn(postgres.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
        });
        using var http = app.CreateClient(new() { AllowAutoRedirect = false });
        var before = await HealthProbe.GetAsync(http, "/readyz");

        await postgres.Cluster.PauseAsync();
        var stopped = await HealthProbe.GetAsync(http, "/readyz");
        var liveWhileStopped = await HealthProbe.GetAsync(http, "/healthz");

        await postgres.Cluster.ResumeAsync();
        // An orchestrator polls readiness; so does the test, until the server that pg_ctl reports started answers.
        HealthProbe? after = null;
        await Wait.UntilAsync(async () => (after = await HealthProbe.GetAsync(http, "/readyz")).Code == HttpStatusCode.OK, "/readyz to answer 200 again");

        Assert.True(before.Code == HttpStatusCode.OK, before.Body);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stopped.Code);
        Assert.Equal("Unhealthy", stopped.Checks["postgresql"]);
        Assert.Equal("Healthy", stopped.Checks["docker"]);
        Assert.Equal(HttpStatusCode.OK, liveWhileStopped.Code);
        Assert.Equal("Healthy", after!.Checks["postgresql"]);
    }
}
