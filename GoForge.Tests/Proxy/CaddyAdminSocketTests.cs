using System.Globalization;
using System.Net;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using GoForge.Infrastructure.Proxy;
using GoForge.Infrastructure.Proxy.Caddy;
using GoForge.Tests.Harness;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static GoForge.Tests.Routing.RoutingSamples;

namespace GoForge.Tests.Proxy;

/// <summary>
/// Caddy in the production layout: started from deploy/caddy/caddy.template.json (internal issuer) with its admin API on a unix
/// socket and on no TCP port; GoForge drives it through the socket only. Also the options that choose the socket.
/// </summary>
public sealed class CaddyAdminSocketTests(CaddySocketFixture caddy) : IClassFixture<CaddySocketFixture>
{
    private static ServiceProvider Services(Dictionary<string, string?> settings, Uri? publicUrl = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddProxyRoutes();
        services.AddCaddyPanelRoute(_ => publicUrl);
        return services.BuildServiceProvider();
    }

    private ServiceProvider SocketServices(string? socket = null) => Services(new()
    {
        ["GoForge:Proxy:Kind"] = "Caddy",
        [$"{CaddyOptions.SectionName}:AdminSocket"] = socket ?? caddy.AdminSocket,
        [$"{CaddyOptions.SectionName}:AutomaticHttps"] = "false",
    });

    [Fact]
    public async Task Routes_are_applied_read_and_removed_through_the_socket_and_a_request_reaches_the_upstream()
    {
        using var services = SocketServices();
        using var upstream = new UpstreamStandIn("through the socket");
        var proxy = services.GetRequiredService<IProxyRoutes>();
        var id = Guid.NewGuid();
        var target = Target(App(new AppDomainRoute("socket-app.test", null)) with { Id = id }, RoutingSettings.Defaults(id));

        // The base config's server has no routes: the first one goes into an empty list.
        await proxy.ApplyAsync(target, new RouteUpstream("goforge-socket-app", "127.0.0.1", upstream.Port));

        Assert.Equal((HttpStatusCode.OK, "through the socket"), await caddy.GetAsync("socket-app.test"));
        var table = await proxy.ReadRoutesAsync();
        Assert.Equal([upstream.Dial], table!.Upstreams[id]);

        await proxy.RemoveAsync(id);
        Assert.Null(await caddy.FindByIdAsync(CaddyRoutes.RouteId(id)));
        Assert.False((await proxy.ReadRoutesAsync())!.Has(id));
    }

    [Fact]
    public async Task The_probe_reports_caddy_reachable_through_the_socket()
    {
        using var services = SocketServices();

        var found = await services.GetRequiredService<IProxyProbe>().ProbeAsync();

        Assert.Equal(ProxyReachabilityState.Reachable, found.State);
        Assert.Contains($"unix:{caddy.AdminSocket}", found.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing.sock")]
    [InlineData("not-a-socket")]
    public async Task A_socket_caddy_does_not_listen_on_fails_the_probe_and_apply_naming_the_socket(string name)
    {
        using var folder = new TempFolder();
        var socket = Path.Combine(folder.Path, name);
        if (name == "not-a-socket")
        {
            await File.WriteAllTextAsync(socket, "a regular file where the socket should be");
        }

        using var services = SocketServices(socket);
        var id = Guid.NewGuid();
        var target = Target(App(new AppDomainRoute("nowhere.test", null)) with { Id = id }, RoutingSettings.Defaults(id));

        var probe = await services.GetRequiredService<IProxyProbe>().ProbeAsync();
        var error = await Assert.ThrowsAsync<ProxyException>(() =>
            services.GetRequiredService<IProxyRoutes>().ApplyAsync(target, new RouteUpstream("goforge-nowhere", "127.0.0.1", 8080)));

        Assert.Equal(ProxyReachabilityState.Unreachable, probe.State);
        Assert.Contains($"unix:{socket} could not be reached", probe.Detail, StringComparison.Ordinal);
        Assert.Contains($"Caddy's admin API at unix:{socket} could not be reached", error.Message, StringComparison.Ordinal);
        Assert.Contains($"the unix socket {socket}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_its_socket_caddy_refuses_every_host_but_the_empty_one_the_transport_sends()
    {
        // Why the transport empties the Host line: the same socket, addressed as localhost, is refused.
        using var handler = CaddyAdminTransport.CreateHandler(new CaddyOptions { AdminSocket = caddy.AdminSocket });
        using var client = new HttpClient(handler);

        using var named = await client.GetAsync(new Uri("http://localhost/config/"));
        using var empty = await client.GetAsync(CaddyAdminTransport.Url(new CaddyOptions { AdminSocket = caddy.AdminSocket }, "config/"));

        Assert.Equal(HttpStatusCode.Forbidden, named.StatusCode);
        Assert.Contains("host not allowed: localhost", await named.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
    }

    [Fact]
    public async Task Caddy_from_the_base_config_listens_on_tcp_only_for_its_server_no_admin_port()
    {
        var ports = await ListeningTcpPortsAsync(caddy.ProcessId);

        Assert.Equal(new[] { caddy.HttpPort, caddy.HttpsPort }.Order(), ports.Order());
        Assert.DoesNotContain(2019, ports);
    }

    [Fact]
    public async Task Only_caddys_own_uid_can_connect_to_the_socket()
    {
        Assert.True(HostSystem.IsRoot, "this test drops to another uid with setpriv, which needs root (CI runs as root)");
        var curl = HostSystem.FindOnPath("curl") ?? throw new InvalidOperationException("curl is not installed: apt-get install -y curl");
        string[] request = ["--silent", "--show-error", "--unix-socket", caddy.AdminSocket!, "--header", "Host:", "http://x/config/"];

        var owner = await ProcessRunner.RunAsync(curl, request, TimeSpan.FromSeconds(20));
        var other = await ProcessRunner.RunAsync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", curl, .. request], TimeSpan.FromSeconds(20));

        owner.EnsureSuccess();
        // curl's 7 is "could not connect": the same request, the same moment, only the uid differs (the socket's folder
        // and the socket itself are its owner's, as the shared volume and the socket are uid 10001's in production).
        Assert.True(other.ExitCode == 7, $"exit {other.ExitCode}: {other.StandardOutput} {other.StandardError}");
        Assert.Contains("Couldn't connect", other.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AdminSocket", "run/goforge-caddy/admin.sock")]
    [InlineData("AdminSocket", "/run/goforge-caddy/../admin.sock")]
    [InlineData("AdminSocket", "/run/goforge-caddy/a-socket-path-that-is-far-too-long-for-sun-path-which-holds-only-108-bytes-with-its-nul/admin.sock")]
    [InlineData("PanelUpstream", "http://goforge:8080")]
    [InlineData("PanelUpstream", "goforge")]
    [InlineData("PanelUpstream", "{env.HOME}:8080")]
    public void A_bad_socket_or_panel_upstream_fails_start_naming_its_key(string key, string value)
    {
        using var services = Services(new() { ["GoForge:Proxy:Kind"] = "Caddy", [$"{CaddyOptions.SectionName}:{key}"] = value }, new Uri("https://panel.test"));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CaddyOptions>>().Value);
        Assert.Contains($"{CaddyOptions.SectionName}:{key}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_an_admin_socket_and_an_admin_url_fail_start()
    {
        using var services = Services(new()
        {
            [$"{CaddyOptions.SectionName}:AdminSocket"] = "/run/goforge-caddy/admin.sock",
            [$"{CaddyOptions.SectionName}:AdminUrl"] = "http://127.0.0.1:2019",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CaddyOptions>>().Value);
        Assert.Contains("are both set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_panel_upstream_without_a_public_url_fails_start()
    {
        using var services = Services(new() { [$"{CaddyOptions.SectionName}:PanelUpstream"] = "goforge:8080" }, publicUrl: null);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CaddyOptions>>().Value);
        Assert.Contains("GoForge:PublicUrl must be too", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/run/goforge-caddy/admin.sock", "goforge:8080")]
    [InlineData("/tmp/x.sock", "[::1]:8080")]
    public void A_good_socket_and_upstream_are_accepted(string socket, string upstream)
    {
        using var services = Services(new()
        {
            [$"{CaddyOptions.SectionName}:AdminSocket"] = socket,
            [$"{CaddyOptions.SectionName}:PanelUpstream"] = upstream,
        }, new Uri("https://panel.test"));

        var options = services.GetRequiredService<IOptions<CaddyOptions>>().Value;

        Assert.Equal("unix:" + socket, options.AdminEndpoint);
    }

    [Theory]
    [InlineData("{\"module\":\"acme\",\"email\":\"ops@example.com\"}")]
    [InlineData("{\"module\":\"internal\"}")]
    public async Task The_production_base_config_validates_with_either_issuer(string issuer)
    {
        using var folder = new TempFolder();
        var config = Path.Combine(folder.Path, "caddy.json");
        await File.WriteAllTextAsync(config, (await CaddyFixture.ProductionConfigAsync(issuer)).ToJsonString());

        var result = await CaddyValidateAsync(config, folder.Path);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("Valid configuration", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_base_config_template_itself_is_refused_until_an_issuer_replaces_its_placeholder()
    {
        using var folder = new TempFolder();

        var result = await CaddyValidateAsync(RepositoryPath(), folder.Path);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("automation policy 0", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("cannot unmarshal string", result.StandardError, StringComparison.Ordinal);
    }

    private static string RepositoryPath() => Support.RepositoryFiles.PathOf("deploy", "caddy", "caddy.template.json");

    private static Task<ProcessResult> CaddyValidateAsync(string config, string home)
    {
        var caddyPath = HostSystem.FindOnPath("caddy") ?? throw new InvalidOperationException("caddy is not installed: apt-get install -y caddy");
        // env keeps Caddy's storage in the throwaway folder, never the user's home.
        return ProcessRunner.RunAsync("env", [$"HOME={home}", $"XDG_DATA_HOME={home}/data", $"XDG_CONFIG_HOME={home}/config", caddyPath, "validate", "--config", config],
            TimeSpan.FromSeconds(30));
    }

    /// <summary>The TCP ports a process listens on: its socket inodes matched with LISTEN rows (state 0A) of /proc/net/tcp and tcp6.</summary>
    private static async Task<IReadOnlyList<int>> ListeningTcpPortsAsync(int pid)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(target["socket:[".Length..^1]);
            }
        }

        var ports = new HashSet<int>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in (await File.ReadAllLinesAsync(table)).Skip(1))
            {
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns[3] == "0A" && inodes.Contains(columns[9]))
                {
                    ports.Add(int.Parse(columns[1][(columns[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                }
            }
        }

        return [.. ports];
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("goforge-caddy-sock-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
