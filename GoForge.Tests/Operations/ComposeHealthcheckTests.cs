using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Operations;

/// <summary>The production compose file probes the panel's readiness endpoint with the curl its image installs.</summary>
public sealed class ComposeHealthcheckTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("goforge-compose-health-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task The_panel_service_is_healthy_only_while_readyz_answers()
    {
        var env = Path.Combine(_root, "test.env");
        await File.WriteAllLinesAsync(env,
        [
            "GOFORGE_DOMAIN=panel.example.com", "ACME_EMAIL=ops@example.com", "POSTGRES_PASSWORD=generated-password-1",
            "GOFORGE_SECRET_KEY=c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0zMmJ5dGVzIQ==", "DOCKER_GID=998",
        ]);

        var config = (await ProcessRunner.RunAsync("docker-compose",
            ["-p", "goforge", "-f", RepositoryFiles.PathOf("deploy", "docker-compose.yml"), "--env-file", env, "config"], TimeSpan.FromMinutes(1)))
            .EnsureSuccess().StandardOutput;
        var dockerfile = await File.ReadAllTextAsync(RepositoryFiles.PathOf("deploy", "Dockerfile"));

        Assert.Contains("http://127.0.0.1:8080/readyz", config, StringComparison.Ordinal);
        Assert.Contains("install -y --no-install-recommends curl", dockerfile, StringComparison.Ordinal);
    }
}
