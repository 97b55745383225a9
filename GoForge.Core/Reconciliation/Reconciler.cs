using System.Diagnostics;
using GoForge.Core.Auditing;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Routing;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Reconciliation;

/// <summary>
/// Makes the engine and the proxy match the database after any crash (docs/deployments/after-a-crash.md). One pass:
/// one label-filtered container listing, one network listing, one read of the proxy's routes, one database round trip;
/// then, per application and service, only what this installation can prove is its own is started, routed or removed.
/// Passes never overlap.
/// </summary>
public sealed class Reconciler(
    IContainerRuntime containers,
    INetworkStore networks,
    IProxyRoutes proxy,
    IReconcilerRepository repository,
    InstallationIdentity installation,
    ApplicationReconciler applications,
    ServiceReconciler services,
    ReconcilerActions actions,
    ILogger<Reconciler> logger) : IDisposable
{
    private static readonly IReadOnlyDictionary<string, string> Managed = new Dictionary<string, string> { [GoForgeLabels.Managed] = "true" };
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public async Task<ReconcileReport> RunAsync(CancellationToken ct)
    {
        await _oneAtATime.WaitAsync(ct);
        try
        {
            return await PassAsync(ct);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<ReconcileReport> PassAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var id = await installation.IdAsync(ct);

        // The engine first, the database after: whatever a deployment starts meanwhile is either not listed or is
        // active (or in flight here) by the time the database is read, and so left alone.
        var listed = await containers.ListLabelledAsync(Managed, ct);
        var ownNetworks = await networks.ListAsync(new Dictionary<string, string>
        {
            [GoForgeLabels.Managed] = "true",
            [GoForgeLabels.Kind] = GoForgeLabels.Kinds.EnvironmentNetwork,
            [GoForgeLabels.Installation] = id.ToString(),
        }, ct);
        var composeNetworks = await networks.ListAsync(new Dictionary<string, string>
        {
            [GoForgeLabels.Managed] = "true",
            [GoForgeLabels.Kind] = GoForgeLabels.Kinds.ComposeNetwork,
            [GoForgeLabels.Installation] = id.ToString(),
        }, ct);
        var routes = await proxy.ReadRoutesAsync(ct);
        var state = await repository.LoadAsync(
            listed.Select(c => c.IdLabel(GoForgeLabels.Deployment)).OfType<Guid>().Distinct().ToList(),
            ownNetworks.Select(n => Guid.TryParse(n.Labels.GetValueOrDefault(GoForgeLabels.Environment), out var e) ? e : Guid.Empty).Where(e => e != Guid.Empty).Distinct().ToList(),
            ct);

        var pass = new ReconcilePass(id, state, routes);
        var ours = listed.Where(c => IsOurs(c, id, state)).ToList();
        var previewContainers = ours.Where(c => c.Label(GoForgeLabels.Kind) == GoForgeLabels.Kinds.PreviewContainer).ToList();
        var appContainers = ours.Except(previewContainers).Where(c => c.IdLabel(GoForgeLabels.Service) is null && c.IdLabel(GoForgeLabels.App) is not null)
            .ToLookup(c => c.IdLabel(GoForgeLabels.App)!.Value);
        var serviceContainers = ours.Where(c => c.IdLabel(GoForgeLabels.Service) is not null).ToLookup(c => c.IdLabel(GoForgeLabels.Service)!.Value);

        foreach (var appId in appContainers.Select(g => g.Key).Concat(state.Running.Select(r => r.ApplicationId)).Distinct())
        {
            await applications.ReconcileAsync(pass, appId, [.. appContainers[appId]], ct);
        }

        foreach (var serviceId in serviceContainers.Select(g => g.Key)
                     .Concat(state.Services.Values.Where(s => s.ContainerId is not null && s.State == Services.ServiceState.Running).Select(s => s.Id)).Distinct())
        {
            await services.ReconcileAsync(pass, serviceId, [.. serviceContainers[serviceId]], ct);
        }

        RemovePreviewLeftovers(pass, previewContainers);
        await actions.RemoveAllAsync(pass, ct);
        await RemoveNetworksAsync(pass, ownNetworks, ct);
        await RemoveComposeNetworksAsync(pass, composeNetworks, ct);

        var report = new ReconcileReport(listed.Count, ours.Count, pass.Skipped, pass.Actions, Stopwatch.GetElapsedTime(started));
        logger.Passed(report.ContainersSeen, report.ContainersOurs, report.Actions.Count, report.Skipped, report.Elapsed.TotalMilliseconds);
        return report;
    }

    public void Dispose() => _oneAtATime.Dispose();

    /// <summary>
    /// Ours: it carries this installation's id; or, made before that label existed, it carries none and names a deployment
    /// or service this database knows. Anything else (another installation's, another database's, anyone's) is never touched.
    /// </summary>
    public static bool IsOurs(EngineContainer container, Guid installationId, ReconcileState state)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(state);
        if (container.Label(GoForgeLabels.Installation) is { } owner)
        {
            return Guid.TryParse(owner, out var id) && id == installationId;
        }

        return (container.IdLabel(GoForgeLabels.Deployment) is { } deployment && state.Deployments.ContainsKey(deployment))
            || (container.IdLabel(GoForgeLabels.Service) is { } service && state.Services.ContainsKey(service));
    }

    /// <summary>
    /// A preview's container stays while its deployment runs or works (docs/decisions/previews.md); one whose deployment
    /// ended or is gone (the preview deleted while the panel was down) is removed. Routes and images of closed previews
    /// are the previews' own clean-up (<c>PreviewTeardown</c>), which every start runs again.
    /// </summary>
    private static void RemovePreviewLeftovers(ReconcilePass pass, IReadOnlyList<EngineContainer> previewContainers)
    {
        foreach (var container in previewContainers)
        {
            var deployment = container.IdLabel(GoForgeLabels.Deployment);
            if (deployment is { } id && pass.State.Deployments.TryGetValue(id, out var state) && (state == DeploymentState.Running || state.IsInProgress()))
            {
                continue;
            }

            pass.Remove($"preview:{container.Label(GoForgeLabels.Preview)}", container,
                deployment is { } known && pass.State.Deployments.TryGetValue(known, out var ended) ? $"left by a preview deployment that is {ended}" : "left by a preview that no longer exists");
        }
    }

    /// <summary>Our compose applications' own networks whose application is gone (a crash during its deletion); one still in use stays.</summary>
    private async Task RemoveComposeNetworksAsync(ReconcilePass pass, IReadOnlyList<EngineNetwork> composeNetworks, CancellationToken ct)
    {
        foreach (var network in composeNetworks)
        {
            if (!Guid.TryParse(network.Labels.GetValueOrDefault(GoForgeLabels.App), out var appId) || pass.State.Applications.ContainsKey(appId))
            {
                continue;
            }

            var target = $"application:{appId}";
            try
            {
                await networks.RemoveAsync(network.Id, ct);
                await actions.RecordAsync(pass, AuditActions.ReconcilerNetworkRemoved, target, $"removed network {network.Name}: its application no longer exists", ct);
            }
            catch (EngineException e)
            {
                logger.ActionFailed(target, e.Message);
            }
        }
    }

    /// <summary>Our environment networks whose environment is gone; one still in use is refused by the engine and stays.</summary>
    private async Task RemoveNetworksAsync(ReconcilePass pass, IReadOnlyList<EngineNetwork> ownNetworks, CancellationToken ct)
    {
        foreach (var network in ownNetworks)
        {
            if (!Guid.TryParse(network.Labels.GetValueOrDefault(GoForgeLabels.Environment), out var environmentId) || pass.State.Environments.Contains(environmentId))
            {
                continue;
            }

            var target = $"environment:{environmentId}";
            try
            {
                await networks.RemoveAsync(network.Id, ct);
                await actions.RecordAsync(pass, AuditActions.ReconcilerNetworkRemoved, target, $"removed network {network.Name}: its environment no longer exists", ct);
            }
            catch (EngineException e)
            {
                logger.ActionFailed(target, e.Message);
            }
        }
    }
}
