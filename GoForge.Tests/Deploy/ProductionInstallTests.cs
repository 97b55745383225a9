using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Deploy;

/// <summary>
/// The production install in deploy/: the compose file validates with Compose itself, carries no fixed secret, and
/// install.sh refuses hostile input before it writes anything. (Starting the stack needs images from a registry,
/// which these machines cannot reach; it is exercised on a real server, see docs/install.md.)
/// </summary>
public sealed class ProductionInstallTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);
    private readonly string _root = Directory.CreateTempSubdirectory("goforge-install-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string WriteEnv(params string[] lines)
    {
        var path = Path.Combine(_root, "test.env");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static readonly string[] CompleteEnv =
    [
        "GOFORGE_DOMAIN=panel.example.com", "ACME_EMAIL=ops@example.com", "POSTGRES_PASSWORD=generated-password-1",
        "GOFORGE_SECRET_KEY=c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0zMmJ5dGVzIQ==", "DOCKER_GID=998",
    ];

    private static Task<ProcessResult> ComposeConfigAsync(string envFile) =>
        ProcessRunner.RunAsync("docker-compose", ["-p", "goforge", "-f", RepositoryFiles.PathOf("deploy", "docker-compose.yml"), "--env-file", envFile, "config"], Timeout);

    [Fact]
    public async Task The_compose_file_validates_and_routes_the_panel_through_Traefik_over_HTTPS()
    {
        var config = (await ComposeConfigAsync(WriteEnv(CompleteEnv))).EnsureSuccess().StandardOutput;

        Assert.Contains("--providers.docker.exposedbydefault=false", config, StringComparison.Ordinal);
        Assert.Contains("--entrypoints.web.http.redirections.entrypoint.scheme=https", config, StringComparison.Ordinal);
        Assert.Contains("--certificatesresolvers.letsencrypt.acme.email=ops@example.com", config, StringComparison.Ordinal);
        Assert.Contains("traefik.http.routers.goforge-panel.rule: Host(`panel.example.com`)", config, StringComparison.Ordinal);
        Assert.Contains("GoForge__PublicUrl: https://panel.example.com", config, StringComparison.Ordinal);
        Assert.Contains("Password=generated-password-1", config, StringComparison.Ordinal);
        Assert.Contains("name: goforge-proxy", config, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POSTGRES_PASSWORD")]
    [InlineData("GOFORGE_SECRET_KEY")]
    [InlineData("GOFORGE_DOMAIN")]
    [InlineData("DOCKER_GID")]
    public async Task Without_a_generated_value_the_stack_refuses_to_start_rather_than_fall_back_to_a_default(string missing)
    {
        var result = await ComposeConfigAsync(WriteEnv(CompleteEnv.Where(l => !l.StartsWith(missing + "=", StringComparison.Ordinal)).ToArray()));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(missing, result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("panel.example.com`) || Host(`evil.example", "ops@example.com")]
    [InlineData("panel.example.com;reboot", "ops@example.com")]
    [InlineData("--help", "ops@example.com")]
    [InlineData("../../etc", "ops@example.com")]
    [InlineData("pänel.example.com", "ops@example.com")]
    [InlineData("panel.example.com", "ops@example.com\nGOFORGE_SECRET_KEY=known")]
    [InlineData("panel.example.com", "$(id)@example.com")]
    public async Task Install_refuses_a_hostile_domain_or_email_before_writing_anything(string domain, string email)
    {
        var deploy = Path.Combine(_root, "deploy");
        Directory.CreateDirectory(deploy);
        foreach (var file in new[] { "install.sh", "docker-compose.yml" })
        {
            File.Copy(RepositoryFiles.PathOf("deploy", file), Path.Combine(deploy, file));
        }

        var result = await ProcessRunner.RunAsync("bash", [Path.Combine(deploy, "install.sh"), "--domain", domain, "--email", email], Timeout);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("is not", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(deploy, ".env")), ".env was written despite the refusal");
    }
}
