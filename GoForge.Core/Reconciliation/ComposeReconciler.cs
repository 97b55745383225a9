using GoForge.Core.Auditing;
using GoForge.Core.Compose;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Services;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Reconciliation;

/// <summary>
/// A compose application's containers against its running deployment's service rows (docs/deployments/compose-overview.md).
/// The set is one container per service: the row's container, else the running deployment's container labelled with
/// the service. Every other container of the application that is ours goes (a crashed deployment's, a replaced set's);
/// a stopped container of a service the set runs is started again, unless a user stopped the application. A service
/// whose container is gone, or a routed service without its route, is left for a deploy or an Apply (the compose
/// deploy step owns starting a set and switching its routes) and logged. Containers whose ownership cannot be proven
/// never reach here (<see cref="Reconciler.IsOurs"/>).
/// </summary>
public sealed partial class ComposeReconciler(
    IComposeServiceHistory history,
    IServiceRuntime starter,
    DeploymentStates states,
    ReconcilerActions actions,
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
        foreach (var container in ours.Where(c => !keep.Contains(c.Id)))
        {
            pass.Remove(target, container, $"left by {ApplicationReconciler.Describe(pass.State, container)}; not in the running set of deployment {set.DeploymentId}");
        }

        var trigger = running.FirstOrDefault(r => r.Id == set.DeploymentId)?.Source == DeploymentSource.Rollback ? DeploymentTrigger.RollBack : DeploymentTrigger.Supersede;
        foreach (var older in running.Where(r => r.Id != set.DeploymentId))
        {
            // Two Running: the switch was cut after the new set ran. The newer set serves; finish the switch.
            await states.TransitionAsync(older.Id, trigger,
                TransitionRequest.System($"replaced by {set.DeploymentId} (the switch was finished after a restart)") with { RollbackTargetExists = true }, ct);
        }

        if (pass.State.StoppedApplications.Contains(appId))
        {
            logger.LeftAlone(target, "it is stopped");
            return true;
        }

        foreach (var (record, container) in kept.Where(k => k.Record.State == ComposeServiceState.Running))
        {
            if (container is null)
            {
                LogServiceGone(logger, appId, record.Service, set.DeploymentId);
            }
            else if (!container.IsRunning && await starter.StartAsync(container.Id, ct))
            {
                await actions.RecordAsync(pass, AuditActions.ReconcilerContainerStarted, target,
                    $"started container {container.Name} of service {record.Service} of the running deployment {set.DeploymentId} again (it was {container.State})", ct);
            }

            if (record.Routed && pass.Routes is { } table && !table.Has(ComposeRouteKeys.Of(appId, record.Service)))
            {
                LogRouteMissing(logger, appId, record.Service);
            }
        }

        return true;
    }

    [LoggerMessage(EventId = 7371, Level = LogLevel.Warning, Message = "Reconciler: service {Service} of compose application {ApplicationId} has no container (running deployment {DeploymentId}); deploy again or Apply to bring it back")]
    private static partial void LogServiceGone(ILogger logger, Guid applicationId, string service, Guid deploymentId);

    [LoggerMessage(EventId = 7372, Level = LogLevel.Warning, Message = "Reconciler: the route of service {Service} of compose application {ApplicationId} is missing; Apply restores it")]
    private static partial void LogRouteMissing(ILogger logger, Guid applicationId, string service);
}
