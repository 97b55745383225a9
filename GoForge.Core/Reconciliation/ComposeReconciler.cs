using GoForge.Core.Auditing;
using GoForge.Core.Compose;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Routing;
using GoForge.Core.Services;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Reconciliation;

/// <summary>
/// A compose application's containers against its running deployment's service rows (docs/deployments/compose-overview.md).
/// The set is one container per service: the row's container, else the running deployment's container labelled with
/// the service. Every other container of the application that is ours goes (a crashed deployment's, a replaced set's);
/// a stopped container of a service the set runs is started again, unless a user stopped the application. A service
/// whose container is gone is left for a deploy or an Apply (the compose deploy step owns starting a set) and logged; a
/// routed service whose route does not dial its container (a crash after a newer set's switch) is routed back to it
/// before the newer set's containers go. Containers whose ownership cannot be proven
/// never reach here (<see cref="Reconciler.IsOurs"/>).
/// </summary>
public sealed partial class ComposeReconciler(
    IComposeServiceHistory history,
    IServiceRuntime starter,
    DeploymentStates states,
    ReconcilerActions actions,
    ComposeRouteRepair repair,
    IProxyRoutes proxy,
    ILogger<ComposeReconciler> logger)
{
    /// <summary>True when the application's running deployment is a compose one and this pass has dealt with it.</summary>
    internal async Task<bool> ReconcileAsync(ReconcilePass pass, string target, Guid appId, IReadOnlyList<RunningDeployment> running, IReadOnlyList<EngineContainer> ours,
        CancellationToken ct)
    {
        if (await history.FindRunningAsync(appId, ct) is not { } set)
        {
            return false;
        }

        var kept = new List<(ComposeServiceRecord Record, EngineContainer? Container)>();
        foreach (var record in set.Services)
        {
            var container = ours.FirstOrDefault(c => record.ContainerId is { } id && c.Id == id)
                ?? ours.FirstOrDefault(c => c.IdLabel(GoForgeLabels.Deployment) == set.DeploymentId
                    && string.Equals(c.Label(GoForgeLabels.ComposeService), record.Service, StringComparison.Ordinal));
            kept.Add((record, container));
        }

        var keep = kept.Select(k => k.Container?.Id).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var leftovers = ours.Where(c => !keep.Contains(c.Id)).ToList();
        var trigger = running.FirstOrDefault(r => r.Id == set.DeploymentId)?.Source == DeploymentSource.Rollback ? DeploymentTrigger.RollBack : DeploymentTrigger.Supersede;
        foreach (var older in running.Where(r => r.Id != set.DeploymentId))
        {
            // Two Running: the switch was cut after the new set ran. The newer set serves; finish the switch.
            await states.TransitionAsync(older.Id, trigger,
                TransitionRequest.System($"replaced by {set.DeploymentId} (the switch was finished after a restart)") with { RollbackTargetExists = true }, ct);
        }

        if (pass.State.StoppedApplications.Contains(appId))
        {
            RemoveLeftovers(pass, target, set, leftovers);
            logger.LeftAlone(target, "it is stopped");
            return true;
        }

        var unrouted = new List<(ComposeServing Serving, IReadOnlyList<string> Addresses)>();
        foreach (var (record, container) in kept.Where(k => k.Record.State == ComposeServiceState.Running))
        {
            if (container is null)
            {
                LogServiceGone(logger, appId, record.Service, set.DeploymentId);
                continue;
            }

            if (!container.IsRunning && await starter.StartAsync(container.Id, ct))
            {
                await actions.RecordAsync(pass, AuditActions.ReconcilerContainerStarted, target,
                    $"started container {container.Name} of service {record.Service} of the running deployment {set.DeploymentId} again (it was {container.State})", ct);
            }

            if (record.Routed && pass.Routes is { } table && !table.RoutesTo(ComposeRouteKeys.Of(appId, record.Service), container.Name, container.Addresses))
            {
                unrouted.Add((new ComposeServing(record.Service, container.Id, container.Name), container.Addresses));
            }
        }

        if (!await RestoreRoutesAsync(pass, target, appId, set.DeploymentId, unrouted, ct) && pass.Routes is { } routes)
        {
            // Not routed back: a leftover a route still dials may be what serves; it stays until a pass can route the set.
            leftovers = [.. leftovers.Where(c => !unrouted.Any(u => routes.RoutesTo(ComposeRouteKeys.Of(appId, u.Serving.Service), c.Name, c.Addresses)))];
        }

        RemoveLeftovers(pass, target, set, leftovers);

        return true;
    }

    private static void RemoveLeftovers(ReconcilePass pass, string target, ComposeServiceSet set, IReadOnlyList<EngineContainer> leftovers)
    {
        foreach (var container in leftovers)
        {
            pass.Remove(target, container, $"left by {ApplicationReconciler.Describe(pass.State, container)}; not in the running set of deployment {set.DeploymentId}");
        }
    }

    /// <summary>
    /// True when every routed service of the running set is routed to its own container again (or was). A crash after a
    /// new set's route switch leaves the route on the new set's container: it is pointed back before that container goes.
    /// When it cannot be, the leftovers a route dials stay (they may be what serves) until a later pass can route the set.
    /// </summary>
    private async Task<bool> RestoreRoutesAsync(ReconcilePass pass, string target, Guid appId, Guid deploymentId, List<(ComposeServing Serving, IReadOnlyList<string> Addresses)> unrouted, CancellationToken ct)
    {
        if (unrouted.Count == 0)
        {
            return true;
        }

        // The table was read before the database: a deployment that finished meanwhile may have routed them already.
        if (await proxy.ReadRoutesAsync(ct) is { } fresh)
        {
            unrouted.RemoveAll(s => fresh.RoutesTo(ComposeRouteKeys.Of(appId, s.Serving.Service), s.Serving.ContainerName, s.Addresses));
        }

        if (unrouted.Count == 0)
        {
            return true;
        }

        try
        {
            var restored = await repair.RestoreAsync(appId, deploymentId, [.. unrouted.Select(s => s.Serving)], ct);
            if (!restored.IsSuccess)
            {
                logger.LeftAlone(target, "its routes cannot be restored: " + restored.Error!.Message);
                return false;
            }

            await actions.RecordAsync(pass, AuditActions.ReconcilerRouteRestored, target,
                $"routed service(s) {string.Join("; ", restored.Value)} of the running deployment {deploymentId} again", ct);
            return true;
        }
        catch (Exception e) when (e is ProxyException or EngineException)
        {
            logger.ActionFailed(target, e.Message);
            return false;
        }
    }

    [LoggerMessage(EventId = 7371, Level = LogLevel.Warning, Message = "Reconciler: service {Service} of compose application {ApplicationId} has no container (running deployment {DeploymentId}); deploy again or Apply to bring it back")]
    private static partial void LogServiceGone(ILogger logger, Guid applicationId, string service, Guid deploymentId);
}
