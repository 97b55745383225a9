using System.Text.Json;
using System.Text.Json.Nodes;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using GoForge.Infrastructure.Proxy.Traefik;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static GoForge.Tests.Routing.RoutingSamples;

namespace GoForge.Tests.Proxy.Traefik;

/// <summary>The Traefik adapter against a real folder, as Traefik's file provider reads it.</summary>
public sealed class TraefikFileRoutesTests : IDisposable
{
    private static readonly RouteUpstream Blue = new("goforge-app-blue-shop", "172.30.0.9", 8080);
    private static readonly RouteUpstream Green = new("goforge-app-green-shop", "172.30.0.10", 8080);
    private readonly string _folder = Directory.CreateTempSubdirectory("goforge-traefik-files-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private TraefikFileRoutes Routes(TimeSpan? reloadDelay = null, TimeProvider? time = null, string? folder = null) => new(
        Options.Create(new TraefikOptions { DynamicDirectory = folder ?? _folder, ReloadDelay = reloadDelay ?? TimeSpan.Zero }),
        time ?? TimeProvider.System,
        NullLogger<TraefikFileRoutes>.Instance);

    private static RouteTarget FreshTarget(params AppDomainRoute[] domains)
    {
        var id = Guid.NewGuid();
        return Target(App(domains) with { Id = id }, RoutingSettings.Defaults(id));
    }

    private string PathOf(Guid id) => Path.Combine(_folder, TraefikFileRoutes.FileName(id));

    [Fact]
    public async Task A_route_is_one_file_named_for_its_id_holding_the_documented_configuration_and_no_temp_file_stays()
    {
        using var routes = Routes();
        var target = FreshTarget();

        await routes.ApplyAsync(target, Blue);

        var text = await File.ReadAllTextAsync(PathOf(target.ApplicationId));
        Assert.Equal(TraefikDynamicConfig.For(target, ["http://goforge-app-blue-shop:8080"], new TraefikOptions())!.ToJsonString(TraefikDynamicConfig.Json) + "\n", text);
        TraefikSchema.AssertValid(text, "the written file");
        Assert.Equal([TraefikFileRoutes.FileName(target.ApplicationId)], Directory.EnumerateFileSystemEntries(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_reader_polling_during_a_thousand_rewrites_only_ever_sees_a_whole_route()
    {
        using var routes = Routes();
        var target = FreshTarget(new AppDomainRoute("shop.example.com", null), new AppDomainRoute("shop.example.org", "/api"));
        await routes.ApplyAsync(target, Blue);
        using var stop = new CancellationTokenSource();
        var reads = 0;
        var broken = new List<string>();
        var seen = new HashSet<string>();
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var text = File.ReadAllText(PathOf(target.ApplicationId));
                reads++;
                try
                {
                    seen.UnionWith(TraefikDynamicConfig.ServerUrls(JsonNode.Parse(text)));
                }
                catch (JsonException)
                {
                    broken.Add(text);
                }
            }
        });

        for (var n = 0; n < 1000; n++)
        {
            await routes.ApplyAsync(target, n % 2 == 0 ? Green : Blue);
        }

        await stop.CancelAsync();
        await reader.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(broken);
        Assert.True(reads > 0);
        Assert.Subset(new HashSet<string> { "http://goforge-app-blue-shop:8080", "http://goforge-app-green-shop:8080" }, seen);
    }

    [Fact]
    public async Task Read_routes_gives_each_files_upstream_by_id_so_the_reconciler_can_compare()
    {
        using var routes = Routes();
        var one = FreshTarget();
        var two = FreshTarget(new AppDomainRoute("two.example.com", null));
        await routes.ApplyAsync(one, Blue);
        await routes.ApplyAsync(two, Green);

        var table = (await routes.ReadRoutesAsync())!;

        Assert.Equal(["goforge-app-blue-shop:8080"], table.Upstreams[one.ApplicationId]);
        Assert.True(table.RoutesTo(one.ApplicationId, Blue.ContainerName, []));
        Assert.False(table.RoutesTo(two.ApplicationId, Blue.ContainerName, [Blue.Address!]));
        Assert.True(table.RoutesTo(two.ApplicationId, Green.ContainerName, []));
        Assert.Equal(2, table.Upstreams.Count);
    }

    [Fact]
    public async Task Remove_deletes_the_file_and_a_missing_one_or_a_missing_folder_is_no_error()
    {
        using var routes = Routes();
        var target = FreshTarget();
        await routes.ApplyAsync(target, Blue);

        await routes.RemoveAsync(target.ApplicationId);
        await routes.RemoveAsync(target.ApplicationId);
        using var nowhere = Routes(folder: Path.Combine(_folder, "never-made"));
        await nowhere.RemoveAsync(target.ApplicationId);

        Assert.False(File.Exists(PathOf(target.ApplicationId)));
        Assert.Empty((await routes.ReadRoutesAsync())!.Upstreams);
        Assert.Empty((await nowhere.ReadRoutesAsync())!.Upstreams);
    }

    [Fact]
    public async Task An_application_left_without_domains_loses_its_file()
    {
        using var routes = Routes();
        var target = FreshTarget();
        await routes.ApplyAsync(target, Blue);

        await routes.ApplyAsync(Target(App() with { Id = target.ApplicationId, Domains = [] }, RoutingSettings.Defaults(target.ApplicationId)), Green);

        Assert.False(File.Exists(PathOf(target.ApplicationId)));
    }

    [Fact]
    public async Task Files_not_written_by_goforge_are_never_touched_or_read_and_an_unreadable_route_is_left_out()
    {
        var others = new Dictionary<string, string>
        {
            ["operator.yml"] = "http:\n  routers: {}\n",
            ["goforge-panel.yml"] = """{"http":{"services":{"goforge-panel":{"loadBalancer":{"servers":[{"url":"http://goforge:8080"}]}}}}}""",
            ["goforge-not-a-guid.yml"] = "{}",
            ["tls.toml"] = "[tls]\n",
        };
        foreach (var (name, text) in others)
        {
            await File.WriteAllTextAsync(Path.Combine(_folder, name), text);
        }

        var broken = Guid.NewGuid();
        await File.WriteAllTextAsync(PathOf(broken), "http: {routers: [half");
        using var routes = Routes();
        var target = FreshTarget();

        await routes.ApplyAsync(target, Blue);
        var table = (await routes.ReadRoutesAsync())!;
        await routes.RemoveAsync(target.ApplicationId);

        Assert.Equal([target.ApplicationId], table.Upstreams.Keys);
        Assert.False(table.Has(broken));
        foreach (var (name, text) in others)
        {
            Assert.Equal(text, await File.ReadAllTextAsync(Path.Combine(_folder, name)));
        }

        Assert.Equal("http: {routers: [half", await File.ReadAllTextAsync(PathOf(broken)));
    }

    [Fact]
    public async Task A_switch_to_another_container_waits_the_reload_delay_after_the_file_is_in_place_and_nothing_else_waits()
    {
        var time = new FakeTimeProvider();
        using var routes = Routes(TimeSpan.FromSeconds(3), time);
        var target = FreshTarget();
        await routes.ApplyAsync(target, Blue); // a first route: nothing to drain, no wait
        await routes.ApplyAsync(target, Blue); // the same upstream again: no switch, no wait

        var switching = routes.ApplyAsync(target, Green);

        Assert.Contains("goforge-app-green-shop", await File.ReadAllTextAsync(PathOf(target.ApplicationId)), StringComparison.Ordinal);
        Assert.False(switching.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.False(switching.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));
        await switching.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_folder_that_cannot_be_written_is_a_proxy_error_naming_the_file()
    {
        var blocker = Path.Combine(_folder, "a-file");
        await File.WriteAllTextAsync(blocker, "not a folder");
        using var routes = Routes(folder: Path.Combine(blocker, "dynamic"));
        var target = FreshTarget();

        var error = await Assert.ThrowsAsync<ProxyException>(() => routes.ApplyAsync(target, Blue));

        Assert.Contains(TraefikFileRoutes.FileName(target.ApplicationId), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_panel_route_file_is_the_golden_panel_document_for_the_public_host()
    {
        using var routes = new TraefikFileRoutes(
            Options.Create(new TraefikOptions { DynamicDirectory = _folder, PanelUpstream = new Uri("http://goforge:8080") }),
            TimeProvider.System, NullLogger<TraefikFileRoutes>.Instance);

        await routes.WritePanelRouteAsync("panel.example.com");

        var text = await File.ReadAllTextAsync(Path.Combine(_folder, TraefikFileRoutes.PanelFile));
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Proxy", "Traefik", "Golden", "panel.json")), text);
        Assert.Empty((await routes.ReadRoutesAsync())!.Upstreams);
    }
}
