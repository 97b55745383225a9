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
    public async Task The_panel_is_not_on_the_applications_network_and_trusts_only_Traefiks_pinned_address()
    {
        var config = await ConfigAsync();
        var services = (YamlMappingNode)config["services"];
        var networks = (YamlMappingNode)config["networks"];

        var panelNetworks = NetworksOf(services, "goforge");
        var traefikNetworks = (YamlMappingNode)((YamlMappingNode)services["traefik"])["networks"];
        var traefikOnPanel = ((YamlScalarNode)((YamlMappingNode)traefikNetworks["panel"])["ipv4_address"]).Value;
        var environment = (YamlMappingNode)((YamlMappingNode)services["goforge"])["environment"];
        var labels = (YamlMappingNode)((YamlMappingNode)services["goforge"])["labels"];

        Assert.Equal(["internal", "panel"], panelNetworks.Order());
        Assert.Equal("goforge-panel", ((YamlScalarNode)((YamlMappingNode)networks["panel"])["name"]).Value);
        Assert.Equal("goforge-proxy", ((YamlScalarNode)((YamlMappingNode)networks["proxy"])["name"]).Value);
        Assert.Equal("goforge-proxy", ((YamlScalarNode)environment["GoForge__Proxy__Network"]).Value);
        Assert.Equal("172.31.251.2", traefikOnPanel);
        Assert.Equal(traefikOnPanel, ((YamlScalarNode)environment["GoForge__TrustedProxies__0"]).Value);
        Assert.Equal("goforge-panel", ((YamlScalarNode)labels["traefik.docker.network"]).Value);
        // Only the panel and Traefik are on the panel's network.
        Assert.Equal(["goforge", "traefik"], services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Where(s => NetworksOf(services, s).Contains("panel")).Order());
    }

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
            ["-p", "goforge", "-f", RepositoryFiles.PathOf("deploy", "docker-compose.yml"), "--env-file", env, "config"], Timeout)).EnsureSuccess().StandardOutput;
        var yaml = new YamlStream();
        yaml.Load(new StringReader(output));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }
}
