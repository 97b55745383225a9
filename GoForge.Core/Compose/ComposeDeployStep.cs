using System.Globalization;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Compose;

/// <summary>
/// A compose application's deployment from Cloning (or, for a rollback, an Apply or a recovery, from Deploying) to its
/// end (docs/deployments/compose.md): read the file from the clone (or an earlier deployment's stored file), build or
/// pull every service, start the set in dependency order, switch each routed service's route, then retire the
/// previous set. Any failure leaves the previous set serving.
/// </summary>
public sealed partial class ComposeDeployStep(
    ComposeSource source,
    ComposeImages builds,
    ComposeRollout rollout,
    ComposeRoutes routes,
    IComposeDeployments rows,
    IDeploymentRepository deployments,
    DeploymentStates states,
    DeploymentSuccession succession,
    IOptions<DeploymentOptions> options,
    ILogger<ComposeDeployStep> logger) : IComposeDeployStep
{
    Task IComposeDeployStep.RunAsync(ComposeRun run, CancellationToken cancel) => RunAsync(run, cancel);

    internal async Task RunAsync(ComposeRun run, CancellationToken cancel)
    {
        var deployment = run.Deployment;
        var settings = options.Value;
        ComposePlan? plan;
        IReadOnlyDictionary<string, string> images;
        IReadOnlySet<string> routed;
        if (deployment.Kind != DeploymentKind.Restart && deployment.RollbackOf is null)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(settings.BuildTimeout);
            try
            {
                plan = await source.FromCloneAsync(run, timeout.Token);
                if (plan is null)
                {
                    await FailAsync(run, "the compose file is refused (every problem is in the log)");
                    return;
                }

                if (!(await states.TransitionAsync(deployment.Id, DeploymentTrigger.CloneSucceeded, TransitionRequest.System("clone ok"), timeout.Token)).IsSuccess
                    || await RoutedAsync(run, plan) is not { } routes)
                {
                    return;
                }

                routed = routes;
                images = await builds.PrepareAsync(run, plan, routed, timeout.Token);
                if (!(await states.TransitionAsync(deployment.Id, DeploymentTrigger.BuildSucceeded, TransitionRequest.System("build ok"), timeout.Token)).IsSuccess)
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancel.IsCancellationRequested)
            {
                await FailAsync(run, $"timed out after {settings.BuildTimeout.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min");
                return;
            }
            catch (ComposeServiceFailure failure)
            {
                await FailAsync(run, run.Log.Masker.Apply(failure.Message));
                return;
            }
            catch (Exception e) when (e is GitCloneException or EngineException or ArgumentException)
            {
                await FailAsync(run, run.Log.Masker.Apply(e.Message));
                return;
            }
        }
        else
        {
            var from = await source.SourceOfAsync(deployment, cancel);
            run.Log.Write(deployment.Kind == DeploymentKind.Restart
                ? $"Applying the current settings: recreating the set of deployment {from?.Id} from its images, no clone, no build"
                : deployment.Source == DeploymentSource.Recovery
                    ? $"Starting the set of deployment {from?.Id} again: its containers were gone"
                    : $"Rolling back to the set of deployment {from?.Id}, no clone, no build");
            plan = from is null ? null : await source.FromDeploymentAsync(run, from, cancel);
            if (plan is null)
            {
                await FailAsync(run, "there is no compose set to start again");
                return;
            }

            if (await RoutedAsync(run, plan) is not { } routes)
            {
                return;
            }

            routed = routes;
            images = plan.KeptImages!;
        }

        await DeployAsync(run, plan, images, routed, settings, cancel);
    }

    private async Task DeployAsync(ComposeRun run, ComposePlan plan, IReadOnlyDictionary<string, string> images, IReadOnlySet<string> routed,
        DeploymentOptions settings, CancellationToken cancel)
    {
        var targets = new Dictionary<string, RouteTarget>(StringComparer.Ordinal);
        foreach (var service in plan.Project.Services.Where(s => routed.Contains(s.Name)))
        {
            var target = await routes.TargetAsync(run.App, run.Environment, service.Name, ComposeContainerSpecs.PortOf(service, run.App), CancellationToken.None);
            if (!target.IsSuccess)
            {
                await FailAsync(run, $"routing of service {service.Name}: {target.Error!.Message}");
                return;
            }

            targets[service.Name] = target.Value;
        }

        var previous = await deployments.ListRunningAsync(run.App.Id, CancellationToken.None);
        var old = new List<ComposeOldService>();
        foreach (var deployment in previous)
        {
            old.AddRange((await rows.ListServicesAsync(deployment.Id, CancellationToken.None)).Select(r => new ComposeOldService(deployment.Id, r)));
        }

        IReadOnlyList<ComposeStarted> started;
        try
        {
            started = await rollout.RunAsync(run, plan, images, targets, old, settings.DeployTimeout, cancel);
        }
        catch (ComposeServiceFailure failure)
        {
            foreach (var line in failure.LastLines)
            {
                await run.Log.WriteAsync(ComposeLogPrefix.Of(failure.Service) + line);
            }

            await FailAsync(run, $"service {failure.Service}: {run.Log.Masker.Apply(failure.Reason)}");
            return;
        }

        if (!(await states.TransitionAsync(run.Deployment.Id, DeploymentTrigger.BecameHealthy, TransitionRequest.System("healthy"), CancellationToken.None)).IsSuccess)
        {
            await rollout.RemoveAsync(started);
            return;
        }

        run.Log.Write($"Healthy: the new set of {started.Count} service(s) serves now.");
        LogDeployed(logger, run.Deployment.Id, started.Count);
        foreach (var gone in old.Where(o => o.Row.Routed && !routed.Contains(o.Row.Service)).Select(o => o.Row.Service).Distinct(StringComparer.Ordinal))
        {
            // A service no longer routed (or no longer in the file) loses its route with its container.
            await routes.RemoveAsync(run.App.Id, gone, CancellationToken.None);
        }

        await succession.RetireAsync(run.Deployment, previous, old.Select(o => o.Row.ContainerId).OfType<string>().ToList(), run.Log);
        foreach (var retired in old)
        {
            await rows.SaveServiceAsync(retired.DeploymentId, retired.Row with { State = ComposeServiceState.Removed }, CancellationToken.None);
        }
    }

    /// <summary>The services a domain routes to; null (the deployment failed) when a domain names no service of the file.</summary>
    private async Task<IReadOnlySet<string>?> RoutedAsync(ComposeRun run, ComposePlan plan)
    {
        var routed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var domain in run.App.Domains)
        {
            if (domain.Service is null || plan.Project.Find(domain.Service) is null)
            {
                await FailAsync(run, domain.Service is null
                    ? $"the domain {domain} names no compose service; choose the service it routes to"
                    : $"the domain {domain} routes to service {domain.Service}, which the compose file does not have");
                return null;
            }

            routed.Add(domain.Service);
        }

        return routed;
    }

    private async Task FailAsync(ComposeRun run, string reason)
    {
        await run.Log.WriteAsync("Failed: " + reason);
        await states.TransitionAsync(run.Deployment.Id, DeploymentTrigger.Fail, TransitionRequest.System(reason), CancellationToken.None);
    }

    [LoggerMessage(EventId = 7340, Level = LogLevel.Information, Message = "Compose deployment {DeploymentId} serves with {Services} service(s)")]
    private static partial void LogDeployed(ILogger logger, Guid deploymentId, int services);
}
