using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Deploy;

/// <summary>
/// The production install in deploy/: the compose file validates with Compose itself, carries no fixed secret, and
/// install.sh refuses hostile input before it writes anything. The stack itself is started for real by
/// <c>Production.ProductionStackTests</c>, with images built locally.
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
    public async Task The_compose_file_validates_and_feeds_Traefik_through_its_file_provider_with_the_Docker_provider_off()
    {
        var config = (await ComposeConfigAsync(WriteEnv(CompleteEnv))).EnsureSuccess().StandardOutput;

        Assert.Contains("--providers.file.directory=/etc/traefik/dynamic", config, StringComparison.Ordinal);
        Assert.DoesNotContain("providers.docker", config, StringComparison.Ordinal);
        Assert.DoesNotContain("traefik.http.routers", config, StringComparison.Ordinal); // no label routes anything
        Assert.Contains("image: traefik:v3.6", config, StringComparison.Ordinal); // 3.6.1 and later talk to Engine 29
        Assert.Contains("--certificatesresolvers.letsencrypt.acme.email=ops@example.com", config, StringComparison.Ordinal);
        Assert.Contains("--certificatesresolvers.letsencrypt.acme.httpchallenge.entrypoint=web", config, StringComparison.Ordinal);
        Assert.Contains("GoForge__PublicUrl: https://panel.example.com", config, StringComparison.Ordinal);
        Assert.Contains("GoForge__Proxy__Traefik__DynamicDirectory: /data/traefik", config, StringComparison.Ordinal);
        Assert.Contains("Password=generated-password-1", config, StringComparison.Ordinal);
        Assert.Contains("name: goforge-proxy", config, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DNS_01_is_a_setting_that_replaces_the_HTTP_challenge()
    {
        var config = (await ComposeConfigAsync(WriteEnv([.. CompleteEnv, "ACME_CHALLENGE=dnschallenge.provider=cloudflare", "CF_DNS_API_TOKEN=token-1"]))).EnsureSuccess().StandardOutput;

        Assert.Contains("--certificatesresolvers.letsencrypt.acme.dnschallenge.provider=cloudflare", config, StringComparison.Ordinal);
        Assert.DoesNotContain("httpchallenge", config, StringComparison.Ordinal);
        Assert.Contains("CF_DNS_API_TOKEN: token-1", config, StringComparison.Ordinal);
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
    [InlineData("panel.example.com", "ops@example.com", "--proxy", "nginx")]
    [InlineData("panel.example.com", "ops@example.com", "--proxy", "caddy;reboot")]
    [InlineData("panel.example.com", "ops@example.com", "--acme-dns", "cloudflare\nGOFORGE_SECRET_KEY=known")]
    [InlineData("panel.example.com", "ops@example.com", "--acme-dns", "--offline")]
    [InlineData("panel.example.com", "ops@example.com", "--tls", "none")]
    public async Task Install_refuses_a_hostile_domain_or_email_before_writing_anything(string domain, string email, string option = "--proxy", string value = "traefik")
    {
        var deploy = Path.Combine(_root, "deploy");
        Directory.CreateDirectory(deploy);
        foreach (var file in new[] { "install.sh", "docker-compose.yml" })
        {
            File.Copy(RepositoryFiles.PathOf("deploy", file), Path.Combine(deploy, file));
        }

        var result = await ProcessRunner.RunAsync("bash", [Path.Combine(deploy, "install.sh"), "--domain", domain, "--email", email, option, value], Timeout);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Matches("is not|must be", result.StandardError);
        Assert.False(File.Exists(Path.Combine(deploy, ".env")), ".env was written despite the refusal");
    }
}
