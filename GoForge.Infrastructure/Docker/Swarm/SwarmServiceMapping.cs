using System.Text.Json;
using Docker.DotNet.Models;
using GoForge.Core.Servers;

namespace GoForge.Infrastructure.Docker.Swarm;

/// <summary>
/// <see cref="SwarmServiceSpec"/> in the engine's words (docs/decisions/swarm.md, "Applications as services"): what
/// GoForge sets. Everything not set here (restart policy, log driver, stop grace, spread over nodes) is the engine's default.
/// </summary>
internal static class SwarmServiceMapping
{
    public static ServiceSpec ToEngine(SwarmServiceSpec spec, IDictionary<string, string> labels) => new()
    {
        Name = spec.Name,
        Labels = labels,
        Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = (ulong)spec.Replicas } },
        TaskTemplate = new TaskSpec
        {
            // No GoForge labels on the task containers: the single-engine reconciler owns containers labelled
            // goforge.managed, and these belong to the engine's scheduler.
            ContainerSpec = new ContainerSpec
            {
                Image = spec.Image,
                Env = [.. spec.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}")],
                Healthcheck = spec.HealthCheck is { } check
                    ? new HealthcheckConfig
                    {
                        Test = ["CMD", .. check.Command(spec.ContainerPort)],
                        Interval = check.Interval,
                        Timeout = check.Timeout,
                        Retries = check.Retries,
                        StartPeriod = check.StartPeriod,
                    }
                    : null,
            },
            Resources = spec.NanoCpus > 0 || spec.MemoryBytes > 0
                ? new ResourceRequirements
                {
                    Limits = new SwarmLimit
                    {
                        NanoCPUs = spec.NanoCpus > 0 ? spec.NanoCpus : null,
                        MemoryBytes = spec.MemoryBytes > 0 ? spec.MemoryBytes : null,
                    },
                }
                : null,
            Placement = new Placement { Constraints = [.. spec.Constraints] },
            Networks = [.. spec.NetworkIds.Select(id => new NetworkAttachmentConfig { Target = id })],
        },
        UpdateConfig = ToEngine(spec.Update),
        RollbackConfig = ToEngine(spec.Rollback),
        // No IPVS needed: the service's name resolves to its tasks' addresses, and the proxy routes to the tasks.
        EndpointSpec = new EndpointSpec { Mode = "dnsrr" },
    };

    private static SwarmUpdateConfig ToEngine(SwarmUpdatePolicy policy) => new()
    {
        Parallelism = (ulong)policy.Parallelism,
        Order = policy.Order == SwarmUpdateOrder.StartFirst ? "start-first" : "stop-first",
        FailureAction = policy.FailureAction switch
        {
            SwarmFailureAction.Rollback => "rollback",
            SwarmFailureAction.Pause => "pause",
            SwarmFailureAction.Continue => "continue",
            _ => throw new ArgumentOutOfRangeException(nameof(policy), policy.FailureAction, "Not a failure action."),
        },
        Monitor = policy.Monitor,
        Delay = policy.Delay,
        MaxFailureRatio = (float)policy.MaxFailureRatio,
    };

    public static SwarmTask ToTask(TaskResponse task, IReadOnlyDictionary<string, string> hostnames) => new()
    {
        Id = task.ID,
        NodeId = string.IsNullOrEmpty(task.NodeID) ? null : task.NodeID,
        NodeHostname = task.NodeID is { Length: > 0 } node ? hostnames.GetValueOrDefault(node) : null,
        Slot = task.Slot,
        State = Word(task.Status?.State),
        Since = task.Status?.Timestamp is { } since ? new DateTimeOffset(DateTime.SpecifyKind(since, since.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : since.Kind)) : null,
        DesiredState = Word(task.DesiredState),
        Error = string.IsNullOrEmpty(task.Status?.Err) ? null : task.Status.Err,
        Image = task.Spec?.ContainerSpec?.Image,
        Addresses = (task.NetworksAttachments ?? [])
            .Where(a => a.Network?.ID is { Length: > 0 } && a.Addresses is { Count: > 0 })
            .GroupBy(a => a.Network!.ID, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Addresses![0].Split('/')[0], StringComparer.Ordinal),
    };

    /// <summary>
    /// What GoForge sets in a task's spec, as one string: a task whose string differs from its service's runs an older
    /// release. Not the whole spec: the engine fills in fields of its own in a task's copy.
    /// </summary>
    public static string Release(TaskSpec? spec) => JsonSerializer.Serialize(new
    {
        spec?.ContainerSpec?.Image,
        Env = spec?.ContainerSpec?.Env ?? [],
        Health = spec?.ContainerSpec?.Healthcheck?.Test ?? [],
        spec?.ContainerSpec?.Healthcheck?.Interval,
        spec?.Resources?.Limits?.NanoCPUs,
        spec?.Resources?.Limits?.MemoryBytes,
        Constraints = spec?.Placement?.Constraints ?? [],
        spec?.ForceUpdate,
    });

    private static string Word(TaskState? state) => state?.ToString().ToLowerInvariant() ?? "unknown";
}
