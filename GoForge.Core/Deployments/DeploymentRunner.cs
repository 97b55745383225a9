using GoForge.Core.Common.Live;
using System.Globalization;
using GoForge.Core.Containers;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using GoForge.Core.Volumes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Deployments;

/// <summary>
/// The pipeline's steps for one deployment, from Cloning on: clone the exact commit, build the image, start the
/// container start-first, wait until it is healthy, then retire the previous one. Every step's state is persisted
/// before the step starts; every log line is masked before it is stored.
/// </summary>
public sealed class DeploymentRunner(
    IDeploymentRepository deployments,
    DeploymentStates states,
    DeploymentCancellations cancellations,
    IApplicationRepository applications,
    IEnvironmentRepository environments,
    IProjectRepository projects,
    IEnvironmentVariableRepository variables,
    RepositoryClone clone,
    IComposeDeployStep compose,
    IPreviewLanes previewLanes,
    IImageBuilder images,
    IImagePullStep pulls,
    IContainerRuntime containers,
    EnvironmentNetworks networks,
    ImageRetention retention,
    ImageReuse reuse,
    IDeploymentFingerprints fingerprints,
    DeploymentSuccession succession,
    ApplicationRoutes routes,
    InstallationIdentity installation,
    AppVolumeMounts volumeMounts,
    ChangeFeed<DeploymentUpdate> feed,
    IOptions<DeploymentOptions> options,
    IOptions<ProxyNetworkOptions> proxyNetwork,
    IOptions<ProbeNetworkOptions> probeNetwork,
    TimeProvider time,
    ILogger<DeploymentRunner> logger) : IDeploymentRunner
{
    public async Task RunAsync(Deployment deployment, CancellationToken ct)
    {
        var settings = options.Value;
        using var cancel = cancellations.Register(deployment.Id, ct, deployment.ApplicationId);
        var workDirectory = WorkFolder.Of(settings, deployment.Id);
        var log = new DeploymentLog(deployments, feed, deployment, time, logger);
        try
        {
            var app = await applications.GetAsync(deployment.ApplicationId, cancel.Token);
            var environment = app is null ? null : await environments.GetAsync(app.EnvironmentId, cancel.Token);
            var project = app is null ? null : await projects.GetAsync(app.ProjectId, cancel.Token);
            if (app is null || environment is null || project is null)
            {
                await FailAsync(deployment.Id, "the application no longer exists");
                return;
            }

            var vars = await variables.ListAsync(app.Id, cancel.Token);
            log.Masker = new SecretMasker(vars.Where(v => v.IsSecret).Select(v => v.Value));
            if (deployment.PreviewId is not null)
            {
                // A pull request's preview: its own lane, variables, source and host (docs/decisions/previews.md).
                var plan = await previewLanes.PlanAsync(deployment, app, vars, cancel.Token);
                if (!plan.IsSuccess)
                {
                    await FailAsync(deployment.Id, plan.Error!.Message, log);
                    return;
                }

                var previewTag = $"goforge/{app.Slug}:{deployment.Id:N}";
                if (await CloneAndBuildAsync(deployment, app, vars, previewTag, workDirectory, log, settings, cancel, plan.Value))
                {
                    await DeployAsync(deployment, app, environment, project, vars, previewTag, log, settings, cancel, plan.Value);
                }

                return;
            }

            if (app.Source == ApplicationSourceKind.Compose)
            {
                // Several containers from one compose file (docs/deployments/compose.md).
                await compose.RunAsync(new ComposeRun(deployment, app, environment, project, vars, log, workDirectory), cancel.Token);
                return;
            }

            string tag;
            if (deployment.Kind == DeploymentKind.Restart && deployment.ImageTag is { } current)
            {
                // "Apply": the running image again, with the settings as they are now (docs/deployments/apply-and-stop.md).
                log.Write($"Applying the current settings: recreating the container from image {current}, no clone, no build");
                tag = current;
            }
            else if (deployment.RollbackOf is { } target && deployment.ImageTag is { } kept)
            {
                // A rollback (or the reconciler's recovery): the image of an earlier deployment is started again through the same deploy step.
                log.Write(deployment.Source == DeploymentSource.Recovery
                    ? $"Starting the image of deployment {target} again ({kept}): its container was gone"
                    : $"Rolling back to deployment {target} (image {kept})");
                tag = kept;
            }
            else if (deployment.ImageReference is not null)
            {
                // An image application: pulled, not built (docs/decisions/registry-image-apps.md).
                tag = $"goforge/{app.Slug}:{deployment.Id:N}";
                if (await pulls.RunAsync(deployment, app, tag, log, cancel.Token) != PullOutcome.Deploy)
                {
                    return;
                }
            }
            else
            {
                tag = $"goforge/{app.Slug}:{deployment.Id:N}";
                var reused = await reuse.TryAsync(deployment, app, vars, log, cancel.Token);
                if (reused.Stop)
                {
                    return;
                }

                if (reused.Tag is { } same)
                {
                    tag = same;
                }
                else if (!await CloneAndBuildAsync(deployment, app, vars, tag, workDirectory, log, settings, cancel))
                {
                    return;
                }
            }

            await DeployAsync(deployment, app, environment, project, vars, tag, log, settings, cancel);
            await retention.PruneAsync(app, log.WriteAsync, CancellationToken.None);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // A user's cancel: the state is Canceled already; only clean up.
            await log.WriteAsync("Canceled.");
        }
        finally
        {
            // Every line is stored before the run ends.
            await log.FlushAsync();
            cancellations.Unregister(deployment.Id);
            if (deployment.PreviewId is not null)
            {
                // The preview shows how its deployment ended, whatever ended it.
                await previewLanes.FinishedAsync(deployment.Id, CancellationToken.None);
            }

            // Left for the next start's recovery if it cannot go now; never fails a deployment.
            WorkFolder.TryDelete(workDirectory, out _);
        }
    }

    /// <param name="preview">A preview's plan: its head is cloned, and only its variables reach the build.</param>
    private async Task<bool> CloneAndBuildAsync(Deployment deployment, Application app, IReadOnlyList<EnvironmentVariable> vars, string tag,
        string workDirectory, DeploymentLog log, DeploymentOptions settings, CancellationTokenSource cancel, PreviewPlan? preview = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token);
        timeout.CancelAfter(settings.BuildTimeout);
        try
        {
            var commit = await clone.CloneAsync(deployment, app, vars, workDirectory, log, timeout.Token, preview?.Source);
            vars = preview?.Variables ?? vars;
            if (!(await states.TransitionAsync(deployment.Id, DeploymentTrigger.CloneSucceeded, TransitionRequest.System("clone ok"), timeout.Token)).IsSuccess)
            {
                return false;
            }

            var context = Path.GetFullPath(Path.Combine(workDirectory, app.BuildContext));
            var dockerfile = Path.GetRelativePath(context, Path.Combine(workDirectory, app.DockerfilePath));
            // The engine adds one build step per label, in name order; the one that changes every time
            // (goforge.deployment) sorts last, so a no-change redeploy reruns a single metadata step.
            var labels = new Dictionary<string, string>
            {
                [GoForgeLabels.App] = app.Id.ToString(),
                [GoForgeLabels.Deployment] = deployment.Id.ToString(),
                [GoForgeLabels.Commit] = commit.Sha,
            };
            var buildStarted = time.GetTimestamp();
            await images.BuildAsync(BuildRequests.For(app, vars, context, dockerfile, tag, labels, workDirectory), log.Progress(), timeout.Token);
            log.Write($"Built {tag} in {Seconds(time.GetElapsedTime(buildStarted))} s");
            await deployments.RecordArtifactsAsync(deployment.Id, tag, null, timeout.Token);
            await fingerprints.RecordBuildAsync(deployment.Id, BuildFingerprint.Of(commit.Sha, app, vars), timeout.Token);
            return (await states.TransitionAsync(deployment.Id, DeploymentTrigger.BuildSucceeded, TransitionRequest.System("build ok"), timeout.Token)).IsSuccess;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancel.IsCancellationRequested)
        {
            await FailAsync(deployment.Id, $"timed out after {settings.BuildTimeout.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min", log);
            return false;
        }
        catch (Exception e) when (e is GitCloneException or EngineException or ArgumentException)
        {
            await FailAsync(deployment.Id, log.Masker.Apply(e.Message), log);
            return false;
        }
    }

    private async Task DeployAsync(Deployment deployment, Application app, ProjectEnvironment environment, Project project,
        IReadOnlyList<EnvironmentVariable> vars, string tag, DeploymentLog log, DeploymentOptions settings, CancellationTokenSource cancel, PreviewPlan? preview = null)
    {
        // The proxy's view of the application: refused settings fail the deployment before anything starts.
        var network = RoutingService.NetworkOf(environment);
        var route = preview is null
            ? await routes.TargetAsync(app, environment, CancellationToken.None)
            : routes.PreviewTarget(app, environment, preview);
        if (!route.IsSuccess)
        {
            await FailAsync(deployment.Id, "routing: " + route.Error.Message, log);
            return;
        }

        // GoForge's own labels only: no proxy reads a container's labels (the proxy is told by ApplyAsync, after health).
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [GoForgeLabels.Managed] = "true",
            [GoForgeLabels.Installation] = (await installation.IdAsync(CancellationToken.None)).ToString(),
            [GoForgeLabels.App] = app.Id.ToString(),
            [GoForgeLabels.Deployment] = deployment.Id.ToString(),
            [GoForgeLabels.Project] = project.Id.ToString(),
            [GoForgeLabels.Environment] = environment.Id.ToString(),
            [GoForgeLabels.Kind] = preview is null ? GoForgeLabels.Kinds.AppContainer : GoForgeLabels.Kinds.PreviewContainer,
        };
        if (preview is not null)
        {
            labels[GoForgeLabels.Preview] = preview.PreviewId.ToString();
        }

        var spec = new ContainerSpec
        {
            Name = preview is null ? EngineNames.AppContainer(deployment.Id, app.Slug) : EngineNames.PreviewContainer(deployment.Id, preview.Number),
            Image = tag,
            Network = network,
            ProxyNetwork = proxyNetwork.Value.Network,
            ProbeNetwork = probeNetwork.Value.ProbeNetwork,
            ContainerPort = app.ContainerPort,
            // A preview gets only the variables marked for previews: code from a pull request reads whatever it is given.
            Env = (preview?.Variables ?? vars).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal),
            Labels = labels,
            MemoryLimitMb = app.MemoryLimitMb,
            CpuLimit = app.CpuLimit is { } cpus ? (double)cpus : null,
            PidsLimit = app.PidsLimit,
            AllowRawSockets = app.AllowRawSockets,
            RestartPolicy = app.RestartPolicy,
            HealthCheckPath = app.HealthCheckPath,
        };

        string containerId;
        try
        {
            // The environment's own network, attached by id: a same-named network that is not this environment's is refused.
            var owned = await networks.EnsureAsync(project.Id, environment.Id, CancellationToken.None);
            var shared = await networks.EnsureSharedOrNoneAsync(spec.ProxyNetwork, CancellationToken.None);
            // The panel probes through this one (usually the proxy's too): a panel in a container reaches no environment's network.
            var probed = await networks.EnsureSharedOrNoneAsync(spec.ProbeNetwork, CancellationToken.None);
            // The application's volumes exist (and are provably its own) before the container starts: every deployment mounts the same ones.
            // A preview mounts none: a pull request's code never writes the application's data.
            var mounts = preview is null ? await volumeMounts.EnsureAsync(app, CancellationToken.None) : [];
            log.Write($"Starting {spec.Name} on {network}");
            containerId = await containers.CreateAndStartAsync(spec with { Network = owned.Id, ProxyNetwork = shared?.Id, ProbeNetwork = probed?.Id, Volumes = mounts }, CancellationToken.None);
        }
        catch (EngineException e)
        {
            await FailAsync(deployment.Id, log.Masker.Apply(e.Message), log);
            return;
        }

        await deployments.RecordArtifactsAsync(deployment.Id, null, containerId, CancellationToken.None);
        await fingerprints.RecordSettingsAsync(deployment.Id, SettingsFingerprint.Of(app, vars), CancellationToken.None);
        var health = await containers.WaitHealthyAsync(containerId, app.HealthCheckPath, app.ContainerPort, settings.DeployTimeout, cancel.Token);
        if (!health.IsHealthy)
        {
            foreach (var line in health.LastLogLines)
            {
                await log.WriteAsync(line);
            }

            // The new container never became healthy: remove it; the previous one was never touched and keeps serving.
            await containers.StopAndRemoveAsync(containerId, CancellationToken.None);
            await FailAsync(deployment.Id, $"not healthy: {log.Masker.Apply(health.Reason)}", log);
            return;
        }

        try
        {
            // The proxy switches to the new container now; the old one serves until this returns.
            await routes.ApplyAsync(route.Value, app, containerId, spec.Name, CancellationToken.None);
        }
        catch (ProxyException e)
        {
            await containers.StopAndRemoveAsync(containerId, CancellationToken.None);
            await FailAsync(deployment.Id, "the proxy refused the new route: " + log.Masker.Apply(e.Message), log);
            return;
        }

        var previous = preview is null
            ? await deployments.ListRunningAsync(app.Id, CancellationToken.None)
            : (await deployments.ListByPreviewAsync(preview.PreviewId, 50, CancellationToken.None)).Where(d => d.State == DeploymentState.Running && d.Id != deployment.Id).ToList();
        if (!(await states.TransitionAsync(deployment.Id, DeploymentTrigger.BecameHealthy, TransitionRequest.System("healthy"), CancellationToken.None)).IsSuccess)
        {
            await containers.StopAndRemoveAsync(containerId, CancellationToken.None);
            return;
        }

        log.Write(preview is null ? "Healthy: the new container serves now." : $"Healthy: the preview serves http://{preview.Host}/ now.");
        await succession.RetireAsync(deployment, previous, previous.Select(p => p.ContainerId).OfType<string>().ToList(), log, ofApplication: preview is null);
    }

    private async Task FailAsync(Guid deploymentId, string reason, DeploymentLog? log = null)
    {
        if (log is not null)
        {
            await log.WriteAsync("Failed: " + reason);
        }

        await states.TransitionAsync(deploymentId, DeploymentTrigger.Fail, TransitionRequest.System(reason), CancellationToken.None);
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture);

}
