using System.Globalization;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Routing;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Compose;

/// <summary>A service of the set a compose deployment replaces: the deployment that ran it and its row there.</summary>
internal sealed record ComposeOldService(Guid DeploymentId, ComposeServiceRecord Row)
{
    public string ContainerName => EngineNames.ComposeContainer(DeploymentId, Row.Position, Row.Service);
}

/// <summary>A service of the new set, started.</summary>
internal sealed record ComposeStarted(ComposeService Service, string ContainerId, string ContainerName);

/// <summary>
/// Starts a compose deployment's containers in the file's start order (docs/deployments/compose.md): each after its
/// dependencies reached their <c>depends_on</c> condition; a routed service start-first beside its old container and
/// health-gated; any other stops its old container (kept) first. Once every service is ready the routes switch to the
/// new set. Any failure puts everything back as it was: the new containers removed, the old ones stopped on the way
/// started again, the routes on the old set; then <see cref="ComposeServiceFailure"/> names the failing service.
/// </summary>
public sealed class ComposeRollout(
    IContainerRuntime containers,
    IContainerWaits waits,
    IContainerLifecycle lifecycle,
    EnvironmentNetworks networks,
    ComposeVolumes volumes,
    ComposeRoutes routes,
    IComposeDeployments rows,
    InstallationIdentity installation,
    IOptions<ProxyNetworkOptions> proxyNetwork,
    IOptions<ProbeNetworkOptions> probeNetwork)
{
    internal async Task<IReadOnlyList<ComposeStarted>> RunAsync(ComposeRun run, ComposePlan plan, IReadOnlyDictionary<string, string> images,
        IReadOnlyDictionary<string, RouteTarget> targets, IReadOnlyList<ComposeOldService> old, TimeSpan serviceTimeout, CancellationToken ct)
    {
        var services = plan.Project.Services;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(serviceTimeout * (services.Count + 1));
        var state = new RolloutState(run, targets, old);
        try
        {
            var owned = await networks.EnsureAsync(run.Project.Id, run.Environment.Id, limit.Token);
            var shared = targets.Count > 0 ? await networks.EnsureSharedOrNoneAsync(proxyNetwork.Value.Network, limit.Token) : null;
            var probed = targets.Count > 0 ? await networks.EnsureSharedOrNoneAsync(probeNetwork.Value.ProbeNetwork, limit.Token) : null;
            var own = await networks.EnsureComposeAsync(run.Project.Id, run.Environment.Id, run.App.Id, limit.Token);
            var set = new ComposeNetworks(owned.Id, own.Id, shared?.Id, probed?.Id);
            var volumeNames = await volumes.EnsureAsync(run, plan.Project, limit.Token);
            var installationId = (await installation.IdAsync(limit.Token)).ToString();
            var completing = services.SelectMany(s => s.DependsOn).Where(d => d.Condition == ComposeCondition.CompletedSuccessfully).Select(d => d.Service).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < services.Count; i++)
            {
                var service = services[i];
                state.Current = service.Name;
                foreach (var dependency in service.DependsOn)
                {
                    await state.DependencyAsync(dependency, waits, serviceTimeout, limit.Token);
                }

                var routed = targets.ContainsKey(service.Name);
                if (!routed)
                {
                    await StopOldAsync(state, service.Name, limit.Token);
                }

                var spec = ComposeContainerSpecs.For(run, service, i, images[service.Name], routed, set, ComposeVolumes.MountsOf(service, volumeNames), installationId);
                var record = new ComposeServiceRecord(service.Name, i, images[service.Name], null, routed, ComposeServiceState.Starting);
                await rows.SaveServiceAsync(run.Deployment.Id, record, limit.Token);
                run.Log.Write($"{ComposeLogPrefix.Of(service.Name)}Starting {spec.Name}{(routed ? " beside the serving one" : "")}");
                var id = await containers.CreateAndStartAsync(spec, limit.Token);
                state.Started.Add(new ComposeStarted(service, id, spec.Name));
                record = record with { ContainerId = id };
                state.Records[service.Name] = record;
                await rows.SaveServiceAsync(run.Deployment.Id, record, limit.Token);

                var health = await ReadyAsync(state, service, id, routed, completing.Contains(service.Name), serviceTimeout, limit.Token);
                if (!health.IsHealthy)
                {
                    throw new ComposeServiceFailure(service.Name, health.Reason, health.LastLogLines);
                }

                var done = completing.Contains(service.Name) ? ComposeServiceState.Completed : ComposeServiceState.Running;
                state.Records[service.Name] = record with { State = done };
                await rows.SaveServiceAsync(run.Deployment.Id, state.Records[service.Name], limit.Token);
                run.Log.Write($"{ComposeLogPrefix.Of(service.Name)}{(done == ComposeServiceState.Completed ? "Completed" : "Ready")}: {health.Reason}");
            }

            // Every service is ready: the proxy switches each routed service to its new container.
            foreach (var started in state.Started.Where(s => targets.ContainsKey(s.Service.Name)))
            {
                state.Current = started.Service.Name;
                state.Switched.Add(started.Service.Name);
                await routes.ApplyAsync(targets[started.Service.Name], started.ContainerId, started.ContainerName, limit.Token);
            }

            return state.Started;
        }
        catch (Exception e) when (e is ComposeServiceFailure or EngineException or ProxyException or OperationCanceledException)
        {
            await RestoreAsync(state);
            if (e is OperationCanceledException && ct.IsCancellationRequested)
            {
                throw;
            }

            throw e switch
            {
                ComposeServiceFailure failure => failure,
                OperationCanceledException => new ComposeServiceFailure(state.Current ?? "compose", $"timed out after {(serviceTimeout * (services.Count + 1)).TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s", []),
                ProxyException => new ComposeServiceFailure(state.Current ?? "compose", "the proxy refused the new route: " + e.Message, []),
                _ => new ComposeServiceFailure(state.Current ?? "compose", e.Message, []),
            };
        }
    }

    /// <summary>Removes a set started by <see cref="RunAsync"/> that could not become the deployment's after all.</summary>
    internal async Task RemoveAsync(IReadOnlyList<ComposeStarted> started)
    {
        foreach (var service in started)
        {
            await containers.StopAndRemoveAsync(service.ContainerId, CancellationToken.None);
        }
    }

    private async Task StopOldAsync(RolloutState state, string service, CancellationToken ct)
    {
        foreach (var previous in state.Old.Where(o => o.Row.Service == service && o.Row.ContainerId is not null))
        {
            // Stopped, not removed: a failure later starts it again.
            if (await lifecycle.StopAsync(previous.Row.ContainerId!, ct))
            {
                state.StoppedOld.Add(previous.Row.ContainerId!);
                state.Run.Log.Write($"{ComposeLogPrefix.Of(service)}Stopped the previous container {previous.ContainerName}");
            }
        }
    }

    /// <summary>
    /// When the service is ready: it ran to completion (a dependent waits for that), its engine health check passed,
    /// a routed one answers the application's health path, any other kept running for 2 s.
    /// </summary>
    private async Task<ContainerHealth> ReadyAsync(RolloutState state, ComposeService service, string id, bool routed, bool completes, TimeSpan timeout, CancellationToken ct)
    {
        if (completes)
        {
            return state.Remember(service.Name, ComposeCondition.CompletedSuccessfully, await waits.WaitExitedSuccessfullyAsync(id, timeout, ct));
        }

        if (service.HealthCheck is not null)
        {
            return state.Remember(service.Name, ComposeCondition.Healthy, await waits.WaitEngineHealthyAsync(id, timeout, ct));
        }

        var port = ComposeContainerSpecs.PortOf(service, state.Run.App);
        return await containers.WaitHealthyAsync(id, routed ? state.Run.App.HealthCheckPath : null, port, timeout, ct);
    }

    private async Task RestoreAsync(RolloutState state)
    {
        var log = state.Run.Log;
        foreach (var service in state.Switched)
        {
            try
            {
                // The old container of a routed service never stopped: its route goes back to it.
                var previous = state.Old.FirstOrDefault(o => o.Row.Service == service && o.Row.ContainerId is not null);
                if (previous is not null)
                {
                    await routes.ApplyAsync(state.Targets[service], previous.Row.ContainerId!, previous.ContainerName, CancellationToken.None);
                }
                else
                {
                    await routes.RemoveAsync(state.Run.App.Id, service, CancellationToken.None);
                }
            }
            catch (Exception e) when (e is ProxyException or EngineException)
            {
                await log.WriteAsync($"{ComposeLogPrefix.Of(service)}Could not put the previous route back: {e.Message}");
            }
        }

        foreach (var started in state.Started)
        {
            await containers.StopAndRemoveAsync(started.ContainerId, CancellationToken.None);
            var record = state.Records[started.Service.Name];
            await rows.SaveServiceAsync(state.Run.Deployment.Id,
                started.Service.Name == state.Current ? record with { State = ComposeServiceState.Failed } : record with { State = ComposeServiceState.Removed }, CancellationToken.None);
        }

        foreach (var id in state.StoppedOld)
        {
            await lifecycle.StartAsync(id, CancellationToken.None);
        }

        if (state.StoppedOld.Count > 0)
        {
            await log.WriteAsync($"Started the previous set's {state.StoppedOld.Count} stopped container(s) again");
        }
    }

    /// <summary>What one rollout started, stopped and switched, so a failure can put it back.</summary>
    private sealed class RolloutState(ComposeRun run, IReadOnlyDictionary<string, RouteTarget> targets, IReadOnlyList<ComposeOldService> old)
    {
        private readonly Dictionary<(string, ComposeCondition), ContainerHealth> _reached = [];

        public ComposeRun Run { get; } = run;

        public IReadOnlyDictionary<string, RouteTarget> Targets { get; } = targets;

        public IReadOnlyList<ComposeOldService> Old { get; } = old;

        public List<ComposeStarted> Started { get; } = [];

        public Dictionary<string, ComposeServiceRecord> Records { get; } = new(StringComparer.Ordinal);

        public List<string> StoppedOld { get; } = [];

        public List<string> Switched { get; } = [];

        /// <summary>The service being started (or switched): the one a failure names.</summary>
        public string? Current { get; set; }

        public ContainerHealth Remember(string service, ComposeCondition condition, ContainerHealth health)
        {
            _reached[(service, condition)] = health;
            return health;
        }

        /// <summary>Waits until <paramref name="dependency"/> reached its condition (started: it was, in start order).</summary>
        public async Task DependencyAsync(ComposeDependency dependency, IContainerWaits waits, TimeSpan timeout, CancellationToken ct)
        {
            if (dependency.Condition == ComposeCondition.Started)
            {
                return;
            }

            if (!_reached.TryGetValue((dependency.Service, dependency.Condition), out var health))
            {
                var id = Started.First(s => s.Service.Name == dependency.Service).ContainerId;
                health = Remember(dependency.Service, dependency.Condition, dependency.Condition == ComposeCondition.Healthy
                    ? await waits.WaitEngineHealthyAsync(id, timeout, ct)
                    : await waits.WaitExitedSuccessfullyAsync(id, timeout, ct));
            }

            if (!health.IsHealthy)
            {
                Current = dependency.Service;
                throw new ComposeServiceFailure(dependency.Service, health.Reason, health.LastLogLines);
            }
        }
    }
}
