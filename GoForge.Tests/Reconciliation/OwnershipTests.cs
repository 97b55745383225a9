using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Reconciliation;
using GoForge.Core.Routing;
using GoForge.Core.Services;

namespace GoForge.Tests.Reconciliation;

/// <summary>What the reconciler counts as its own, and when it finds a route pointing at the running container.</summary>
public sealed class OwnershipTests
{
    private static readonly Guid Installation = Guid.NewGuid();
    private static readonly Guid KnownDeployment = Guid.NewGuid();
    private static readonly Guid KnownService = Guid.NewGuid();

    private static readonly ReconcileState State = new(
        new Dictionary<Guid, bool>(), [], new HashSet<Guid>(), new Dictionary<Guid, DateTimeOffset>(),
        new Dictionary<Guid, DeploymentState> { [KnownDeployment] = DeploymentState.Failed },
        new Dictionary<Guid, ServiceRecord> { [KnownService] = new(KnownService, ServiceState.Failed, null, false, false) },
        new HashSet<Guid>());

    [Fact]
    public void A_container_with_this_installations_id_is_ours_whatever_it_names()
    {
        Assert.True(Reconciler.IsOurs(Container((GoForgeLabels.Installation, Installation.ToString()), (GoForgeLabels.Deployment, Guid.NewGuid().ToString())), Installation, State));
    }

    [Fact]
    public void A_container_with_another_installations_id_is_not_ours_even_naming_our_deployment()
    {
        Assert.False(Reconciler.IsOurs(Container((GoForgeLabels.Installation, Guid.NewGuid().ToString()), (GoForgeLabels.Deployment, KnownDeployment.ToString())), Installation, State));
        Assert.False(Reconciler.IsOurs(Container((GoForgeLabels.Installation, "not-a-uuid"), (GoForgeLabels.Deployment, KnownDeployment.ToString())), Installation, State));
    }

    [Fact]
    public void A_container_without_an_installation_id_is_ours_only_when_our_database_knows_its_deployment_or_service()
    {
        Assert.True(Reconciler.IsOurs(Container((GoForgeLabels.Deployment, KnownDeployment.ToString())), Installation, State));
        Assert.True(Reconciler.IsOurs(Container((GoForgeLabels.Service, KnownService.ToString())), Installation, State));
        Assert.False(Reconciler.IsOurs(Container((GoForgeLabels.Deployment, Guid.NewGuid().ToString())), Installation, State));
        Assert.False(Reconciler.IsOurs(Container((GoForgeLabels.App, Guid.NewGuid().ToString())), Installation, State));
    }

    [Fact]
    public void A_route_points_at_the_container_only_when_every_upstream_dials_its_name_or_one_of_its_addresses()
    {
        var app = Guid.NewGuid();
        var byAddress = new ProxyRouteTable(new Dictionary<Guid, IReadOnlyList<string>> { [app] = ["172.18.0.5:8080"] });
        var byName = new ProxyRouteTable(new Dictionary<Guid, IReadOnlyList<string>> { [app] = ["goforge-app-x:8080"] });
        var halfSwitched = new ProxyRouteTable(new Dictionary<Guid, IReadOnlyList<string>> { [app] = ["172.18.0.5:8080", "172.18.0.9:8080"] });

        Assert.True(byAddress.RoutesTo(app, "goforge-app-x", ["172.18.0.5"]));
        Assert.True(byName.RoutesTo(app, "goforge-app-x", []));
        Assert.False(byAddress.RoutesTo(app, "goforge-app-x", ["172.18.0.6"]));
        Assert.False(halfSwitched.RoutesTo(app, "goforge-app-x", ["172.18.0.5"]));
        Assert.False(byAddress.RoutesTo(Guid.NewGuid(), "goforge-app-x", ["172.18.0.5"]));
    }

    private static EngineContainer Container(params (string Key, string Value)[] labels) =>
        new("c0ffee", "goforge-app-x", labels.Append((GoForgeLabels.Managed, "true")).ToDictionary(l => l.Item1, l => l.Item2), "running", []);
}
