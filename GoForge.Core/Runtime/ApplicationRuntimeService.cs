using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Reconciliation;
using GoForge.Core.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Runtime;

/// <summary>
/// An application's container without a build (docs/deployments/apply-and-stop.md): "Apply" queues a
/// <see cref="DeploymentKind.Restart"/>; Stop, Start and Restart act on the running deployment's container at once.
/// Each needs the deploy right in the application's project (another project's application is not found) and is
/// recorded in the audit log as one of the application's events.
/// </summary>
public sealed partial class ApplicationRuntimeService(
    ApplicationService applications,
    IDeploymentRepository deployments,
    DeploymentService deploymentService,
    IEnvironmentVariableRepository variables,
    IEnvironmentRepository environments,
    IApplicationRunStates runStates,
    IContainerLifecycle engine,
    IContainerRuntime containers,
    ApplicationRoutes routes,
    IProxyRoutes proxy,
    IAuditLog audit,
    IOptions<DeploymentOptions> options,
    TimeProvider time,
    ILogger<ApplicationRuntimeService> logger)
{
    /// <summary>The run state, the deployment serving and whether "Apply" would change its settings.</summary>
    public async Task<Result<ApplicationRuntimeStatus>> StatusAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.View, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        var running = await CurrentAsync(applicationId, ct);
        var state = await runStates.GetAsync(applicationId, ct);
        var pending = running?.SettingsFingerprint is { } started
            && !string.Equals(started, SettingsFingerprint.Of(app.Value, await variables.ListAsync(applicationId, ct)), StringComparison.Ordinal);
        return new ApplicationRuntimeStatus(state, running?.Id, pending);
    }

    /// <summary>Queues a <see cref="DeploymentKind.Restart"/>: the running deployment's image, recreated with the current settings.</summary>
    public async Task<Result<Deployment>> ApplyAsync(Actor actor, Guid applicationId, DeploymentSource source = DeploymentSource.Manual, CancellationToken ct = default)
    {
        var found = await RunningAsync(actor, applicationId, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var (app, running) = found.Value;
        // A compose deployment's images are its services' (docs/deployments/compose.md): Apply recreates the set.
        if (running.ImageTag is null && app.Source != ApplicationSourceKind.Compose)
        {
            return Error.Conflict("The running deployment has no image to start again; deploy instead.");
        }

        var queued = await deploymentService.QueueRestartAsync(actor.AccountId, running, source, ct);
        await RecordAsync(actor, AuditActions.ApplicationApplyQueued, app, $"deployment {queued.Id} recreates the container of {running.Id} from {running.ImageTag ?? "its services' images"}", ct);
        return queued;
    }

    /// <summary>
    /// Stops the application: it is recorded as stopped first (the reconciler leaves it so from then on), its route
    /// answers 503 next, then its container stops. The running deployment stays Running: its container is kept for Start.
    /// </summary>
    public async Task<Result<ApplicationRunState>> StopAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var found = await RunningAsync(actor, applicationId, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var (app, running) = found.Value;
        await runStates.SetAsync(app.Id, ApplicationRunState.Stopped, ct);
        if (await TargetAsync(app, ct) is { } target)
        {
            await proxy.ApplyAsync(target, RouteUpstream.Stopped(app.Name), ct);
        }

        if (running.ContainerId is { } id)
        {
            await engine.StopAsync(id, ct);
        }

        await RecordAsync(actor, AuditActions.ApplicationStopped, app, $"stopped the container of deployment {running.Id}", ct);
        return ApplicationRunState.Stopped;
    }

    /// <summary>
    /// Starts a stopped application's container, waits for its health, then puts its route back. A container that is
    /// gone is deployed again from its image (the reconciler's recovery path).
    /// </summary>
    public async Task<Result<ApplicationRunState>> StartAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var found = await RunningAsync(actor, applicationId, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var (app, running) = found.Value;
        await runStates.SetAsync(app.Id, ApplicationRunState.Running, ct);
        if (running.ContainerId is not { } id || !await engine.StartAsync(id, ct))
        {
            var recovery = await deploymentService.QueueRecoveryAsync(running, ct);
            await RecordAsync(actor, AuditActions.ApplicationStarted, app, $"the container of deployment {running.Id} was gone: deployment {recovery.Id} starts its image again", ct);
            return ApplicationRunState.Running;
        }

        var serving = await ServeAsync(app, running, id, ct);
        await RecordAsync(actor, AuditActions.ApplicationStarted, app, $"started the container of deployment {running.Id}", ct);
        return serving is { } refused ? refused : ApplicationRunState.Running;
    }

    /// <summary>The engine's restart of the running container (the same container), then health and the route, as Start.</summary>
    public async Task<Result<ApplicationRunState>> RestartAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var found = await RunningAsync(actor, applicationId, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var (app, running) = found.Value;
        if (await runStates.GetAsync(app.Id, ct) == ApplicationRunState.Stopped)
        {
            return Error.Conflict("The application is stopped: start it instead.");
        }

        if (running.ContainerId is not { } id || !await engine.RestartAsync(id, ct))
        {
            return Error.Conflict("The running deployment's container is gone; the reconciler starts its image again shortly.");
        }

        var serving = await ServeAsync(app, running, id, ct);
        await RecordAsync(actor, AuditActions.ApplicationRestarted, app, $"restarted the container of deployment {running.Id}", ct);
        return serving is { } refused ? refused : ApplicationRunState.Running;
    }

    /// <summary>Waits for the started container's health, then routes to it (its address may have changed); an error when it is not healthy.</summary>
    private async Task<Error?> ServeAsync(Application app, Deployment running, string containerId, CancellationToken ct)
    {
        var health = await containers.WaitHealthyAsync(containerId, app.HealthCheckPath, app.ContainerPort, options.Value.DeployTimeout, ct);
        if (!health.IsHealthy)
        {
            LogNotHealthy(logger, app.Id, health.Reason);
            return Error.Conflict($"The container started but is not healthy: {health.Reason}");
        }

        if (await TargetAsync(app, ct) is { } target)
        {
            await routes.ApplyAsync(target, app, containerId, EngineNames.AppContainer(running.Id, app.Slug), ct);
        }

        return null;
    }

    private async Task<RouteTarget?> TargetAsync(Application app, CancellationToken ct)
    {
        var environment = await environments.GetAsync(app.EnvironmentId, ct);
        if (environment is null)
        {
            return null;
        }

        var target = await routes.TargetAsync(app, environment, ct);
        return target.IsSuccess ? target.Value : null;
    }

    /// <summary>The application (deploy right) and its running deployment; a conflict while a deployment is in flight or none runs.</summary>
    private async Task<Result<(Application App, Deployment Running)>> RunningAsync(Actor actor, Guid applicationId, CancellationToken ct)
    {
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.Deploy, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        var recent = await deployments.ListByApplicationAsync(applicationId, 20, ct);
        if (recent.Any(d => d.State.IsInProgress()))
        {
            return Error.Conflict("A deployment of this application is in progress; try again when it has finished.");
        }

        return recent.Where(d => d.State == DeploymentState.Running).MaxBy(d => d.CreatedAt) is { } running
            ? (app.Value, running)
            : Error.Conflict("Nothing of this application is running: deploy it first.");
    }

    private async Task<Deployment?> CurrentAsync(Guid applicationId, CancellationToken ct)
    {
        var running = await deployments.ListRunningAsync(applicationId, ct);
        return running.Count > 0 ? running[^1] : null;
    }

    private Task RecordAsync(Actor actor, string action, Application app, string detail, CancellationToken ct) =>
        audit.RecordAsync(time, actor, app.ProjectId, action, ApplicationEvents.Target(app.Id), $"{app.Slug}: {detail}", ct);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Application {ApplicationId}: its started container is not healthy: {Reason}")]
    private static partial void LogNotHealthy(ILogger logger, Guid applicationId, string reason);
}

/// <param name="RunningDeploymentId">The deployment serving (or stopped); null when none runs.</param>
/// <param name="HasPendingSettings">The settings hash differently from those the running container was started with: "Apply" would change something.</param>
public sealed record ApplicationRuntimeStatus(ApplicationRunState RunState, Guid? RunningDeploymentId, bool HasPendingSettings);
