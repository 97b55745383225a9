using System.Net;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Operations;

/// <summary><c>/healthz</c> and <c>/readyz</c> in the real panel, anonymous, over the test PostgreSQL and the real engine.</summary>
[Collection(PostgresCollection.Name)]
public sealed class HealthEndpointTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>
{
    [Fact]
    public async Task Healthz_answers_200_to_an_anonymous_caller_and_runs_no_check()
    {
        // The default test app points at a Docker socket that does not exist: liveness must not care.
        await using var app = await GoForgeApp.StartAsync(postgres, "healthz");
        using var http = app.CreateClient(new() { AllowAutoRedirect = false });

        var probe = await HealthProbe.GetAsync(http, "/healthz");

        Assert.Equal(HttpStatusCode.OK, probe.Code);
        Assert.Equal("Healthy", probe.Status);
        Assert.Empty(probe.Checks);
    }

    [Fact]
    public async Task Readyz_is_200_when_the_database_and_the_engine_answer()
    {
        await using var app = await GoForgeApp.StartAsync(postgres, "readyz", settings: new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
        });
        using var http = app.CreateClient(new() { AllowAutoRedirect = false });

        var probe = await HealthProbe.GetAsync(http, "/readyz");

        Assert.True(probe.Code == HttpStatusCode.OK, probe.Body);
        Assert.Equal("Healthy", probe.Checks["postgresql"]);
        Assert.Equal("Healthy", probe.Checks["docker"]);
    }

    [Fact]
    public async Task Readyz_is_503_naming_docker_when_the_engine_socket_is_dead()
    {
        await using var app = await GoForgeApp.StartAsync(postgres, "readyz_nodocker", settings: new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = "unix:///nonexistent/goforge-readyz/docker.sock",
        });
        using var http = app.CreateClient(new() { AllowAutoRedirect = false });

        var probe = await HealthProbe.GetAsync(http, "/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, probe.Code);
        Assert.Equal("Unhealthy", probe.Status);
        Assert.Equal("Unhealthy", probe.Checks["docker"]);
        Assert.Equal("Healthy", probe.Checks["postgresql"]);
        Assert.Contains("goforge-readyz", probe.Body, StringComparison.Ordinal);
    }
}
