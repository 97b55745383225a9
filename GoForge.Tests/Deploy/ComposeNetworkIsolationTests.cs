using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace GoForge.Tests.Deploy;

/// <summary>
/// The compose stack's networks as Compose itself resolves them: the panel shares a network only with PostgreSQL and
/// Traefik, never the one application containers join, and trusts forwarded headers from Traefik's pinned address only.
/// </summary>
public sealed class ComposeNetworkIsolationTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);
    private readonly string _root = Directory.CreateTempSubdirectory("goforge-compose-net-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task The_panel_listens_only_on_loopback_and_the_panel_network_and_trusts_only_the_proxys_pinned_address()
    {
        var config = await ConfigAsync();
        var services = (YamlMappingNode)config["services"];
        var networks = (YamlMappingNode)config["networks"];
        var panel = (YamlMappingNode)services["goforge"];
        var environment = (YamlMappingNode)panel["environment"];
        var panelAddress = PinnedAddress(services, "goforge");

        // On the edge network only to probe health checks: Kestrel binds loopback and its goforge-panel address, not a wildcard.
        Assert.Equal(["internal", "panel", "proxy"], NetworksOf(services, "goforge").Order());
        Assert.Equal($"http://127.0.0.1:8080;http://{panelAddress}:8080", ((YamlScalarNode)environment["ASPNETCORE_URLS"]).Value);
        Assert.False(panel.Children.ContainsKey(new YamlScalarNode("labels")), "the panel carries labels; no label may route anything");
        Assert.Equal("goforge-panel", ((YamlScalarNode)((YamlMappingNode)networks["panel"])["name"]).Value);
        Assert.Equal("goforge-proxy", ((YamlScalarNode)((YamlMappingNode)networks["proxy"])["name"]).Value);
        Assert.Equal("goforge-proxy", ((YamlScalarNode)environment["GoForge__Proxy__Network"]).Value);

        // Either proxy has the one pinned address the panel believes forwarded headers from.
        Assert.Equal("172.31.251.2", PinnedAddress(services, "traefik"));
        Assert.Equal("172.31.251.2", PinnedAddress(services, "caddy"));
        Assert.Equal("172.31.251.2", ((YamlScalarNode)environment["GoForge__TrustedProxies__0"]).Value);
        Assert.Equal(["caddy", "goforge", "traefik"], services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Where(s => NetworksOf(services, s).Contains("panel")).Order());
    }

    [Fact]
    public async Task Neither_proxy_gets_the_Docker_socket_and_Caddys_admin_api_is_a_unix_socket_shared_with_the_panel_only()
    {
        var config = await ConfigAsync();
        var services = (YamlMappingNode)config["services"];

        Assert.DoesNotContain("docker.sock", string.Join('\n', VolumesOf(services, "traefik").Concat(VolumesOf(services, "caddy"))), StringComparison.Ordinal);
        Assert.Contains(VolumesOf(services, "caddy"), v => v.StartsWith("caddy-state:/run/goforge-caddy", StringComparison.Ordinal));
        Assert.Equal(["caddy", "goforge"], services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Where(s => VolumesOf(services, s).Any(v => v.StartsWith("caddy-state:", StringComparison.Ordinal))).Order());
        Assert.Equal("/run/goforge-caddy/admin.sock", ((YamlScalarNode)((YamlMappingNode)((YamlMappingNode)services["goforge"])["environment"])["GoForge__Proxy__Caddy__AdminSocket"]).Value);
        var template = await File.ReadAllTextAsync(RepositoryFiles.PathOf("deploy", "caddy", "caddy.template.json"));
        Assert.Contains("\"listen\": \"unix//run/goforge-caddy/admin.sock\"", template, StringComparison.Ordinal);
    }

    private static string PinnedAddress(YamlMappingNode services, string service) =>
        ((YamlScalarNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)services[service])["networks"])["panel"])["ipv4_address"]).Value!;

    private static IEnumerable<string> VolumesOf(YamlMappingNode services, string service) =>
        ((YamlMappingNode)services[service]).Children.TryGetValue(new YamlScalarNode("volumes"), out var node) && node is YamlSequenceNode list
            ? list.Children.Select(n => n is YamlScalarNode scalar ? scalar.Value! : string.Join(':', ((YamlMappingNode)n)["source"], ((YamlMappingNode)n)["target"]))
            : [];

    private static IEnumerable<string> NetworksOf(YamlMappingNode services, string service) =>
        ((YamlMappingNode)services[service]).Children.TryGetValue(new YamlScalarNode("networks"), out var node)
            ? node switch
            {
                YamlMappingNode map => map.Children.Keys.Select(k => ((YamlScalarNode)k).Value!),
                YamlSequenceNode list => list.Children.Select(n => ((YamlScalarNode)n).Value!),
                _ => [],
            }
            : [];

    private async Task<YamlMappingNode> ConfigAsync()
    {
        var env = Path.Combine(_root, "test.env");
        await File.WriteAllLinesAsync(env,
        [
            "GOFORGE_DOMAIN=panel.example.com", "ACME_EMAIL=ops@example.com", "POSTGRES_PASSWORD=generated-password-1",
            "GOFORGE_SECRET_KEY=c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0zMmJ5dGVzIQ==", "DOCKER_GID=998",
        ]);
        var output = (await ProcessRunner.RunAsync("docker-compose",
            ["-p", "goforge", "-f", RepositoryFiles.PathOf("deploy", "docker-compose.yml"), "--env-file", env, "--profile", "traefik", "--profile", "caddy", "config"], Timeout)).EnsureSuccess().StandardOutput;
        var yaml = new YamlStream();
        yaml.Load(new StringReader(output));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }
}
