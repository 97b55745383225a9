using GoForge.Core.Auditing;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using GoForge.Core.Services;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Reconciliation;

/// <summary>
/// One application's containers and route against its running deployment (docs/deployments/after-a-crash.md): the
/// running deployment's container is started if stopped and routed, then every other container of the application
/// that is ours goes; a gone container is deployed again from its image, once.
/// </summary>
public sealed class ApplicationReconciler(
    IApplicationRepository applications,
    IEnvironmentRepository environments,
    IDeploymentRepository deployments,
    DeploymentService deploymentService,
    DeploymentStates states,
    DeploymentCancellations inProcess,
    ApplicationRoutes routes,
    IProxyRoutes proxy,
    IContainerRuntime containers,
    IServiceRuntime starter,
    ReconcilerActions actions,
    ComposeReconciler compose,
    IOptions<DeploymentOptions> options,
    ILogger<ApplicationReconciler> logger)
{
    internal async Task ReconcileAsync(ReconcilePass pass, Guid appId, IReadOnlyList<EngineContainer> ours, CancellationToken ct)
    {
        var target = $"application:{appId}";
        var state = pass.State;
        if (!state.Applications.TryGetValue(appId, out var hasDomains))
        {
            // Deleted (a crash during the deletion, or the engine away then): nothing of it may stay.
            foreach (var container in ours)
            {
                pass.Remove(target, container, "of an application that no longer exists");
            }

            return;
        }

        if (state.ActiveApplications.Contains(appId) || inProcess.IsRunningFor(appId))
        {
            // A deployment works on it now (its drain included): its containers are its own business.
            pass.Skip();
            logger.LeftAlone(target, "a deployment is in flight");
            return;
        }

        var running = state.Running.Where(r => r.ApplicationId == appId).ToList();
        if (running.Count == 0)
        {
            foreach (var container in ours)
            {
                pass.Remove(target, container, $"left by {Describe(state, container)}; no deployment of the application is running");
            }

            return;
        }

        // A compose application runs a set of containers, one per service: reconciled as a set, never as one container.
        if (await compose.ReconcileAsync(pass, target, appId, running, ours, ct))
        {
            return;
        }

        var current = running[^1];
        if (ours.Any(c => c.Label(GoForgeLabels.ComposeService) is not null))
        {
            // A compose set is several containers and routes (docs/deployments/compose.md): reconciling it as one
            // container would keep one service and remove the others, so the set is left as its deployment made it.
            pass.Skip();
            logger.LeftAlone(target, "a compose set is not reconciled container by container");
            return;
        }

        var serving = ours.FirstOrDefault(c => c.Id == current.ContainerId) ?? ours.FirstOrDefault(c => c.IdLabel(GoForgeLabels.Deployment) == current.Id);
        if (state.StoppedApplications.Contains(appId))
        {
            // Stopped by a user: its container stays stopped (or gone) and its route keeps answering 503 until Start.
            // Only what no deployment of it serves goes.
            foreach (var container in ours.Where(c => c.Id != serving?.Id))
            {
                pass.Remove(target, container, $"left by {Describe(state, container)}");
            }

            logger.LeftAlone(target, "it is stopped");
            return;
        }

        if (serving is null)
        {
            await RedeployAsync(pass, target, current, ct);
            return;
        }

        var started = false;
        if (!serving.IsRunning)
        {
            if (!await StartAsync(pass, target, appId, current, serving, ct))
            {
                return;
            }

            started = true;
        }

        if (!await EnsureRoutedAsync(pass, target, appId, hasDomains, current, serving, started, ct))
        {
            // Not routed: the leftovers may be what serves; they stay until the next pass can route the running one.
            return;
        }

        foreach (var older in running.Take(running.Count - 1))
        {
            // Two Running: the switch was cut between the new one's health and the old one's retirement. Finish it.
            var trigger = current.Source == DeploymentSource.Rollback ? DeploymentTrigger.RollBack : DeploymentTrigger.Supersede;
            await states.TransitionAsync(older.Id, trigger,
                TransitionRequest.System($"replaced by {current.Id} (the switch was finished after a restart)") with { RollbackTargetExists = true }, ct);
        }

        foreach (var container in ours.Where(c => c.Id != serving.Id))
        {
            pass.Remove(target, container, $"left by {Describe(state, container)}");
        }
    }

    private async Task<bool> StartAsync(ReconcilePass pass, string target, Guid appId, RunningDeployment current, EngineContainer serving, CancellationToken ct)
    {
        var app = await applications.GetAsync(appId, ct);
        if (app is null || !await starter.StartAsync(serving.Id, ct))
        {
            return false;
        }

        await actions.RecordAsync(pass, AuditActions.ReconcilerContainerStarted, target,
            $"started container {serving.Name} of the running deployment {current.Id} again (it was {serving.State})", ct);
        var health = await containers.WaitHealthyAsync(serving.Id, app.HealthCheckPath, app.ContainerPort, options.Value.DeployTimeout, ct);
        if (!health.IsHealthy)
        {
            logger.LeftAlone(target, "its started container is not healthy: " + health.Reason);
        }

        return health.IsHealthy;
    }

    /// <summary>True when the proxy routes the application to <paramref name="serving"/> (or the application has no domain, or the proxy cannot be read).</summary>
    private async Task<bool> EnsureRoutedAsync(ReconcilePass pass, string target, Guid appId, bool hasDomains, RunningDeployment current, EngineContainer serving,
        bool restarted, CancellationToken ct)
    {
        if (pass.Routes is not { } table || (!hasDomains && !table.Has(appId)) || (!restarted && table.RoutesTo(appId, serving.Name, serving.Addresses)))
        {
            return true;
        }

        // The table was read before the database: a deployment that switched the route meanwhile (and finished, so it is
        // no longer in flight) has routed it already. Ask again rather than apply a route the proxy holds: every change
        // reloads the proxy's configuration.
        if (!restarted && await proxy.ReadRoutesAsync(ct) is { } fresh && fresh.RoutesTo(appId, serving.Name, serving.Addresses))
        {
            return true;
        }

        var app = await applications.GetAsync(appId, ct);
        var environment = app is null ? null : await environments.GetAsync(app.EnvironmentId, ct);
        if (app is null || environment is null)
        {
            return false;
        }

        var route = await routes.TargetAsync(app, environment, ct);
        if (!route.IsSuccess)
        {
            logger.LeftAlone(target, "its routing settings are refused: " + route.Error.Message);
            return false;
        }

        try
        {
            await routes.ApplyAsync(route.Value, app, serving.Id, serving.Name, ct);
        }
        catch (Exception e) when (e is ProxyException or EngineException)
        {
            logger.ActionFailed(target, e.Message);
            return false;
        }

        await actions.RecordAsync(pass, AuditActions.ReconcilerRouteRestored, target,
            $"routed {string.Join(", ", route.Value.Domains.Select(d => d.ToString()))} to container {serving.Name} of the running deployment {current.Id} again", ct);
        return true;
    }

    /// <summary>The running deployment's container is gone: its image is started again by a new deployment, unless a newer deployment exists (whatever its outcome: never a loop).</summary>
    private async Task RedeployAsync(ReconcilePass pass, string target, RunningDeployment current, CancellationToken ct)
    {
        if (current.ImageTag is null
            || (pass.State.NewestDeploymentAt.TryGetValue(current.ApplicationId, out var newest) && newest > current.CreatedAt))
        {
            return;
        }

        // The listing came before the database read: a container created in between is not "gone".
        if ((await containers.ListContainersAsync(new Dictionary<string, string> { [GoForgeLabels.Deployment] = current.Id.ToString() }, ct)).Count > 0
            || inProcess.IsRunningFor(current.ApplicationId)
            || await deployments.GetAsync(current.Id, ct) is not { State: DeploymentState.Running } deployment)
        {
            return;
        }

        var queued = await deploymentService.QueueRecoveryAsync(deployment, ct);
        await actions.RecordAsync(pass, AuditActions.ReconcilerRedeployQueued, target,
            $"queued deployment {queued.Id} to start image {current.ImageTag} of the running deployment {current.Id} again: its container was gone", ct);
    }

    internal static string Describe(ReconcileState state, EngineContainer container) =>
        container.IdLabel(GoForgeLabels.Deployment) is { } id
            ? state.Deployments.TryGetValue(id, out var s) ? $"deployment {id} ({s.ToString().ToLowerInvariant()})" : $"deployment {id} (no longer recorded)"
            : "no known deployment";
}
