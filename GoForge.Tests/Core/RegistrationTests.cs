using GoForge.Core;
using GoForge.Core.Deployments;
using GoForge.Core.Routing;
using GoForge.Core.Services;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Core;

public sealed class RegistrationTests
{
    [Fact]
    public void Core_alone_registers_no_background_work()
    {
        var builder = NewBuilder();
        builder.AddGoForgeCore();

        Assert.DoesNotContain(builder.Services, d => d.ServiceType == typeof(IHostedService));
    }

    [Fact]
    public void AddGoForgeWorkers_registers_the_network_migration_first_then_the_deployment_worker_service_recovery_the_state_tracker_and_the_reconciler()
    {
        var builder = NewBuilder();
        builder.AddGoForgeCore();
        builder.AddGoForgeWorkers();

        var hosted = builder.Services.Where(d => d.ServiceType == typeof(IHostedService)).ToList();
        Assert.Equal(11, hosted.Count);
        // Hosted services start in order: old-named networks are migrated before any deployment or service runs.
        Assert.Equal(typeof(GoForge.Core.Upgrades.LegacyNetworkMigrationStartup), hosted[0].ImplementationType);
        Assert.Contains(hosted, d => d.ImplementationType == typeof(DeploymentWorker));
        Assert.Contains(hosted, d => d.ImplementationType == typeof(ServiceWorker));
        Assert.Contains(hosted, d => d.ImplementationType == typeof(GoForge.Core.Registry.DigestCheckWorker));
        Assert.Contains(hosted, d => d.ImplementationType == typeof(GoForge.Core.Notifications.NotificationDispatcher));
        Assert.Contains(hosted, d => d.ImplementationType == typeof(GoForge.Core.Previews.PreviewIdleWorker));
        Assert.Contains(hosted, d => d.ImplementationType == typeof(GoForge.Core.AuditTrail.AuditPruneWorker));
        // The tracker (shared with the monitoring pages), and the backup worker and scheduler (singletons the services reach too).
        Assert.Equal(3, hosted.Count(d => d.ImplementationFactory is not null));
        // Last: its first pass waits for the workers' recovery anyway, and it starts after the tracker it listens to.
        Assert.Equal(typeof(GoForge.Core.Reconciliation.ReconcilerWorker), hosted[^1].ImplementationType);
    }

    [Fact]
    public void The_proxy_network_is_read_from_the_proxy_section()
    {
        var proxy = ProxyNetwork(new() { ["GoForge:Proxy:Network"] = "edge" });

        Assert.Equal("edge", proxy.Network);
    }

    [Fact]
    public void The_old_deployments_key_still_sets_the_proxy_network()
    {
        var proxy = ProxyNetwork(new() { ["GoForge:Deployments:ProxyNetwork"] = "goforge-proxy" });

        Assert.Equal("goforge-proxy", proxy.Network);
    }

    [Fact]
    public void The_new_key_wins_over_the_old_one()
    {
        var proxy = ProxyNetwork(new() { ["GoForge:Proxy:Network"] = "new", ["GoForge:Deployments:ProxyNetwork"] = "old" });

        Assert.Equal("new", proxy.Network);
    }

    [Fact]
    public void No_proxy_network_leaves_it_unset()
    {
        var proxy = ProxyNetwork([]);

        Assert.Null(proxy.Network);
    }

    [Fact]
    public void A_proxy_network_that_is_no_docker_name_is_refused_naming_both_keys()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => ProxyNetwork(new() { ["GoForge:Deployments:ProxyNetwork"] = "no spaces" }));

        Assert.Contains("GoForge:Proxy:Network (or GoForge:Deployments:ProxyNetwork) must be a Docker network name", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_reconciler_runs_every_three_minutes_unless_set_and_a_too_short_interval_is_refused_naming_the_key()
    {
        Assert.Equal(TimeSpan.FromMinutes(3), Reconciler([]).Interval);
        Assert.Equal(TimeSpan.FromSeconds(30), Reconciler(new() { ["GoForge:Reconciler:Interval"] = "00:00:30" }).Interval);

        var failure = Assert.Throws<OptionsValidationException>(() => Reconciler(new() { ["GoForge:Reconciler:Interval"] = "00:00:01" }));

        Assert.Contains("GoForge:Reconciler:Interval must be between", failure.Message, StringComparison.Ordinal);
    }

    private static GoForge.Core.Reconciliation.ReconcilerOptions Reconciler(Dictionary<string, string?> settings)
    {
        var builder = NewBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddGoForgeCore();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<GoForge.Core.Reconciliation.ReconcilerOptions>>().Value;
    }

    private static ProxyNetworkOptions ProxyNetwork(Dictionary<string, string?> settings)
    {
        var builder = NewBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddGoForgeCore();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<ProxyNetworkOptions>>().Value;
    }

    private static HostApplicationBuilder NewBuilder() =>
        Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
}
