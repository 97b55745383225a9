using System.Collections.Concurrent;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Core.Servers;
using Microsoft.Extensions.Logging;
using SwarmService = Docker.DotNet.Models.SwarmService;

namespace GoForge.Infrastructure.Docker.Swarm;

/// <summary>
/// Applications as Swarm services over the Engine API (<c>/services</c>, <c>/tasks</c>, overlay <c>/networks</c>) of the
/// manager GoForge drives. Ownership is checked here before every write (<see cref="ISwarmServices"/>).
/// </summary>
internal sealed class DockerSwarmServices(DockerClientProvider docker, InstallationIdentity installation, ILogger<DockerSwarmServices> logger) : ISwarmServices
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    public Task<SwarmServiceRef> ApplyAsync(SwarmServiceSpec spec, CancellationToken ct = default) => CallAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Errors() is { Count: > 0 } errors)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(spec));
        }

        var gate = _gates.GetOrAdd(spec.Name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            var labels = await installation.StampAsync(spec.Labels.Concat(spec.Owner).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal), ct);
            var engineSpec = SwarmServiceMapping.ToEngine(spec, labels);
            if (await FindNamedAsync(spec.Name, ct) is not { } existing)
            {
                var created = await docker.Client.Swarm.CreateServiceAsync(new ServiceCreateParameters { Service = engineSpec }, ct);
                var id = created.ID ?? throw new EngineException($"The engine created service {spec.Name} without giving its id.");
                logger.ServiceCreated(spec.Name, new ShortId(id), spec.Image, spec.Replicas);
                return Ref(await docker.Client.Swarm.InspectServiceAsync(id, ct));
            }

            EnsureOwned("service", spec.Name, existing.Spec?.Labels, spec.Owner);
            var version = existing.Version?.Index ?? 0;
            logger.ServiceUpdating(spec.Name, new ShortId(existing.ID), version, spec.Image, spec.Replicas);
            // At the version just read: a change made meanwhile fails with the engine's "update out of sequence".
            await docker.Client.Swarm.UpdateServiceAsync(existing.ID, new ServiceUpdateParameters { Service = engineSpec, Version = (long)version }, ct);
            return Ref(await docker.Client.Swarm.InspectServiceAsync(existing.ID, ct));
        }
        finally
        {
            gate.Release();
        }
    });

    public async Task<SwarmRollout> WaitAsync(string serviceId, TimeSpan timeout, CancellationToken ct = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        var seen = new RolloutWatch();
        try
        {
            while (true)
            {
                if (await CallAsync(() => RolloutAsync(serviceId, seen, limit.Token)) is { } outcome)
                {
                    logger.RolloutEnded(new ShortId(serviceId), outcome.Status, outcome.Reason);
                    return outcome;
                }

                await Task.Delay(PollInterval, limit.Token);
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            var timedOut = new SwarmRollout(SwarmRolloutStatus.TimedOut, seen.RollbackReason ?? seen.TaskError);
            logger.RolloutEnded(new ShortId(serviceId), timedOut.Status, timedOut.Reason);
            return timedOut;
        }
    }

    /// <summary>The rollout's end, or null while it goes on.</summary>
    private async Task<SwarmRollout?> RolloutAsync(string serviceId, RolloutWatch seen, CancellationToken ct)
    {
        var service = await docker.Client.Swarm.InspectServiceAsync(serviceId, ct);
        var status = service.UpdateStatus;
        var tasks = await ListEngineTasksAsync(serviceId, ct);
        seen.TaskError = tasks.OrderByDescending(t => t.Status?.Timestamp).Select(t => t.Status?.Err).FirstOrDefault(e => !string.IsNullOrEmpty(e)) ?? seen.TaskError;
        switch (status?.State)
        {
            case "rollback_started":
                // The engine says why it rolls back only now ("update rolled back due to failure or early termination
                // of task …"); once done it says "rollback completed", so the reason is kept from here.
                seen.RollbackReason = Reason(status.Message, seen.TaskError);
                return null;
            case "rollback_completed":
                return new SwarmRollout(SwarmRolloutStatus.RolledBack, seen.RollbackReason ?? Reason(status.Message, seen.TaskError));
            case "paused" or "rollback_paused":
                return new SwarmRollout(SwarmRolloutStatus.Failed, Reason(status.Message, seen.TaskError));
            case "updating":
                return null;
        }

        // Completed, or no update status at all (a new service, an update the engine has not started, or one that
        // changed no task): done once every replica runs the current spec (running means healthy: a task with a health
        // check stays "starting" until it passes).
        var current = SwarmServiceMapping.Release(service.Spec?.TaskTemplate);
        if (status is null && service.PreviousSpec is { } previous && SwarmServiceMapping.Release(previous.TaskTemplate) != current)
        {
            // Updated to another release, and the engine has not started rolling it yet.
            return null;
        }

        var wanted = tasks.Where(t => t.DesiredState == TaskState.Running).ToList();
        var replicas = service.Spec?.Mode?.Replicated?.Replicas ?? 0;
        var converged = (ulong)wanted.Count == replicas
            && wanted.All(t => t.Status?.State == TaskState.Running && SwarmServiceMapping.Release(t.Spec) == current);
        return converged ? new SwarmRollout(SwarmRolloutStatus.Completed, status?.Message) : null;
    }

    private static string? Reason(string? message, string? taskError) =>
        string.IsNullOrEmpty(taskError) ? message : string.IsNullOrEmpty(message) ? taskError : $"{message}: {taskError}";

    /// <summary>What one wait has seen so far: the engine's rollback reason and the newest task error.</summary>
    private sealed class RolloutWatch
    {
        public string? RollbackReason { get; set; }

        public string? TaskError { get; set; }
    }

    public Task<SwarmServiceRef?> FindAsync(string name, IReadOnlyDictionary<string, string> owner, CancellationToken ct = default) => CallAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(owner);
        return await FindNamedAsync(name, ct) is { } found && EnvironmentNetworks.IsOwnedBy(Labels(found.Spec?.Labels), owner) ? Ref(found) : null;
    });

    public Task<IReadOnlyList<SwarmTask>> ListTasksAsync(string serviceId, CancellationToken ct = default) => CallAsync(async () =>
    {
        var tasks = await ListEngineTasksAsync(serviceId, ct);
        var hostnames = (await docker.Client.Swarm.ListNodesAsync(ct)).ToDictionary(n => n.ID, n => n.Description?.Hostname ?? n.ID, StringComparer.Ordinal);
        return (IReadOnlyList<SwarmTask>)[.. tasks.OrderByDescending(t => t.CreatedAt).Select(t => SwarmServiceMapping.ToTask(t, hostnames))];
    });

    public Task RemoveAsync(string name, IReadOnlyDictionary<string, string> owner, CancellationToken ct = default) => CallAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (await FindNamedAsync(name, ct) is not { } found)
        {
            return true;
        }

        EnsureOwned("service", name, found.Spec?.Labels, owner);
        try
        {
            await docker.Client.Swarm.RemoveServiceAsync(found.ID, ct);
            logger.ServiceRemoved(name, new ShortId(found.ID));
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            // Removed meanwhile.
        }

        return true;
    });

    public Task<OwnedNetwork> EnsureNetworkAsync(Guid projectId, Guid environmentId, bool encrypted, CancellationToken ct = default) => CallAsync(async () =>
    {
        var name = EngineNames.SwarmNetwork(environmentId);
        var owner = SwarmOwners.Network(projectId, environmentId);
        var gate = _gates.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            if (await FindNetworkAsync(name, owner, ct) is not { } network)
            {
                try
                {
                    var created = await docker.Client.Networks.CreateNetworkAsync(new NetworksCreateParameters
                    {
                        Name = name,
                        Driver = "overlay",
                        Attachable = true,
                        Labels = await installation.StampAsync(owner, ct),
                        Options = encrypted ? new Dictionary<string, string> { ["encrypted"] = "" } : new Dictionary<string, string>(),
                    }, ct);
                    logger.NetworkCreated(name, new ShortId(created.ID), encrypted);
                }
                catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
                {
                    // Made meanwhile by another process: looked at again below, owner labels and all.
                }

                network = await FindNetworkAsync(name, owner, ct)
                    ?? throw new EngineException($"Docker network {name} was created but is not listed by the engine; try again.");
            }

            var isEncrypted = network.Options?.ContainsKey("encrypted") == true;
            if (isEncrypted != encrypted)
            {
                logger.NetworkEncryptionKept(name, isEncrypted, encrypted);
            }

            return new OwnedNetwork(network.ID, name);
        }
        finally
        {
            gate.Release();
        }
    });

    /// <summary>The swarm-scoped network of exactly that name (the managers keep names unique), refused when not this owner's.</summary>
    private async Task<NetworkResponse?> FindNetworkAsync(string name, IReadOnlyDictionary<string, string> owner, CancellationToken ct)
    {
        // The name filter matches substrings: the exact name is checked here.
        var listed = await docker.Client.Networks.ListNetworksAsync(
            new NetworksListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [name] = true } } },
            ct);
        var named = listed.Where(n => n.Name == name).ToList();
        foreach (var network in named)
        {
            EnsureOwned("network", name, network.Labels, owner);
        }

        return named.Where(n => n.Scope == "swarm").OrderBy(n => n.Created).FirstOrDefault()
            ?? (named.Count > 0 ? throw new EngineException($"Docker network {name} exists but is not a Swarm overlay network; GoForge will not attach services to it.") : null);
    }

    private async Task<SwarmService?> FindNamedAsync(string name, CancellationToken ct)
    {
        // The name filter matches prefixes: the exact name is checked here.
        var listed = await docker.Client.Swarm.ListServicesAsync(
            new ServiceListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [name] = true } } },
            ct);
        return listed.FirstOrDefault(s => s.Spec?.Name == name);
    }

    private async Task<IList<TaskResponse>> ListEngineTasksAsync(string serviceId, CancellationToken ct) =>
        await docker.Client.Tasks.ListAsync(
            new TasksListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = new Dictionary<string, bool> { [serviceId] = true } } },
            ct);

    private void EnsureOwned(string what, string name, IDictionary<string, string>? labels, IReadOnlyDictionary<string, string> owner)
    {
        if (!EnvironmentNetworks.IsOwnedBy(Labels(labels), owner))
        {
            logger.NotOwned(what, name);
            throw new EngineException(
                $"Docker {what} {name} exists but is not GoForge's (its labels do not name this owner); GoForge will not change or use it. Remove or rename that {what}.");
        }
    }

    private static Dictionary<string, string> Labels(IDictionary<string, string>? labels) =>
        labels is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(labels, StringComparer.Ordinal);

    private static SwarmServiceRef Ref(SwarmService service) => new(service.ID, service.Spec?.Name ?? service.ID, service.Version?.Index ?? 0);

    private static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (DockerErrors.IsEngineFailure(e))
        {
            throw DockerErrors.ToEngineException(e);
        }
    }
}
