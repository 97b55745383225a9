using System.Globalization;
using GoForge.Core.Containers;

namespace GoForge.Core.Servers;

/// <summary>
/// An application as a Swarm service (docs/decisions/swarm.md, "Applications as services"): what GoForge sets; the engine
/// does the rest (scheduling, restarts, the rolling update and its automatic rollback). <see cref="Owner"/> is what proves
/// the service is GoForge's: a service of the name without all of it is never updated nor removed.
/// </summary>
public sealed record SwarmServiceSpec
{
    /// <summary><see cref="EngineNames.SwarmService"/>: the owner's id after a fixed prefix.</summary>
    public required string Name { get; init; }

    /// <summary>By digest (<c>name@sha256:…</c>) or image id (neither is pulled when the node has it), or by tag.</summary>
    public required string Image { get; init; }

    public required int Replicas { get; init; }

    /// <summary><see cref="SwarmOwners.Service"/>: on the service (not on its task containers).</summary>
    public required IReadOnlyDictionary<string, string> Owner { get; init; }

    /// <summary>More labels on the service (the deployment, say); they never decide ownership.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The port the application listens on inside its container; the health check and the proxy use it.</summary>
    public required int ContainerPort { get; init; }

    /// <summary>Run by the engine in every task; a task is running (and counts for the update) only once healthy.</summary>
    public SwarmHealthCheck? HealthCheck { get; init; }

    /// <summary>CPUs in billionths (1 CPU is 1,000,000,000); 0 for no limit.</summary>
    public long NanoCpus { get; init; }

    /// <summary>Memory limit in bytes; 0 for no limit.</summary>
    public long MemoryBytes { get; init; }

    /// <summary>The engine's placement constraints, such as <c>node.labels.zone==eu-1</c> (<see cref="LabelConstraint"/>).</summary>
    public IReadOnlyList<string> Constraints { get; init; } = [];

    public SwarmUpdatePolicy Update { get; init; } = SwarmUpdatePolicy.StartFirst;

    /// <summary>How the engine rolls back a failed update (its failure action is ignored by the engine).</summary>
    public SwarmUpdatePolicy Rollback { get; init; } = SwarmUpdatePolicy.StartFirst with { FailureAction = SwarmFailureAction.Pause };

    /// <summary>Overlay networks by id (<see cref="ISwarmServices.EnsureNetworkAsync"/>); the tasks answer on each.</summary>
    public IReadOnlyList<string> NetworkIds { get; init; } = [];

    /// <summary>A constraint on a node label: <c>node.labels.&lt;key&gt;==&lt;value&gt;</c> (keys and values as <see cref="SwarmService.LabelErrors"/> allows).</summary>
    public static string LabelConstraint(string key, string value) => $"node.labels.{key}=={value}";

    /// <summary>The spec's faults, empty when the engine may be given it.</summary>
    public IReadOnlyList<string> Errors()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > EngineNames.MaxContainerName)
        {
            errors.Add($"A service name has 1 to {EngineNames.MaxContainerName} characters.");
        }

        if (string.IsNullOrWhiteSpace(Image))
        {
            errors.Add("A service needs an image.");
        }

        if (Replicas < 0)
        {
            errors.Add("Replicas cannot be negative.");
        }

        if (ContainerPort is < 1 or > 65535)
        {
            errors.Add("The container port is 1 to 65535.");
        }

        if (NanoCpus < 0 || MemoryBytes < 0)
        {
            errors.Add("Limits cannot be negative.");
        }

        if (!Owner.TryGetValue(GoForgeLabels.Managed, out var managed) || managed != "true" || !Owner.ContainsKey(GoForgeLabels.Kind))
        {
            errors.Add("A service carries GoForge's owner labels (SwarmOwners.Service).");
        }

        errors.AddRange(Update.Errors("update"));
        errors.AddRange(Rollback.Errors("rollback"));
        return errors;
    }
}

/// <summary>The labels that say a Swarm service or overlay network is GoForge's, and whose; all must match (<see cref="EnvironmentNetworks.IsOwnedBy"/>).</summary>
public static class SwarmOwners
{
    public static IReadOnlyDictionary<string, string> Service(Guid projectId, Guid environmentId, Guid applicationId) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [GoForgeLabels.Managed] = "true",
        [GoForgeLabels.Kind] = GoForgeLabels.Kinds.SwarmService,
        [GoForgeLabels.Project] = projectId.ToString(),
        [GoForgeLabels.Environment] = environmentId.ToString(),
        [GoForgeLabels.App] = applicationId.ToString(),
    };

    public static IReadOnlyDictionary<string, string> Network(Guid projectId, Guid environmentId) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [GoForgeLabels.Managed] = "true",
        [GoForgeLabels.Kind] = GoForgeLabels.Kinds.SwarmNetwork,
        [GoForgeLabels.Project] = projectId.ToString(),
        [GoForgeLabels.Environment] = environmentId.ToString(),
    };
}

/// <summary>An HTTP GET of <see cref="Path"/> on the container's port, run by the engine inside the task with <c>wget</c> (the image must have it).</summary>
public sealed record SwarmHealthCheck(string Path, TimeSpan Interval, TimeSpan Timeout, int Retries, TimeSpan StartPeriod)
{
    /// <summary>
    /// The command the engine runs (exec form, no shell): exit 0 is healthy. The engine enforces <see cref="Timeout"/>
    /// itself; wget's own <c>-T</c> is left out because busybox's static build crashes on it (Debian's busybox-static).
    /// </summary>
    public IReadOnlyList<string> Command(int port) =>
        ["wget", "-q", "-O", "/dev/null", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}{(Path.StartsWith('/') ? Path : "/" + Path)}"];
}

/// <summary>
/// A rolling update (or rollback) as the engine runs it. Swarm has no max-unavailable of its own: with
/// <see cref="SwarmUpdateOrder.StopFirst"/>, <see cref="Parallelism"/> is the number of tasks down at once; with
/// <see cref="SwarmUpdateOrder.StartFirst"/> none is down (the new task is healthy before the old stops) and
/// <see cref="Parallelism"/> is the surge.
/// </summary>
public sealed record SwarmUpdatePolicy(
    int Parallelism,
    SwarmUpdateOrder Order,
    SwarmFailureAction FailureAction,
    TimeSpan Monitor,
    TimeSpan Delay,
    double MaxFailureRatio)
{
    /// <summary>One task at a time, started before the old one stops; a failure within 5 s of a task's start rolls the whole update back.</summary>
    public static SwarmUpdatePolicy StartFirst { get; } = new(1, SwarmUpdateOrder.StartFirst, SwarmFailureAction.Rollback, TimeSpan.FromSeconds(5), TimeSpan.Zero, 0);

    /// <summary>The tasks that may be down at once during the update (0 when the new ones start first).</summary>
    public int MaxUnavailable => Order == SwarmUpdateOrder.StartFirst ? 0 : Parallelism;

    public IEnumerable<string> Errors(string what)
    {
        if (Parallelism < 1)
        {
            yield return $"The {what} parallelism is at least 1 (0 would replace every task at once).";
        }

        if (Monitor < TimeSpan.Zero || Delay < TimeSpan.Zero)
        {
            yield return $"The {what} monitor and delay cannot be negative.";
        }

        if (MaxFailureRatio is < 0 or > 1 || double.IsNaN(MaxFailureRatio))
        {
            yield return $"The {what} failure ratio is 0 to 1.";
        }
    }
}

public enum SwarmUpdateOrder
{
    StartFirst,
    StopFirst,
}

public enum SwarmFailureAction
{
    Rollback,
    Pause,
    Continue,
}

/// <summary>A service GoForge owns: its id and the version an update of it must name.</summary>
public sealed record SwarmServiceRef(string Id, string Name, ulong Version);

public enum SwarmRolloutStatus
{
    /// <summary>Every replica runs the service's current spec, healthy.</summary>
    Completed,

    /// <summary>The update failed and the engine put the previous spec back (<see cref="SwarmRollout.Reason"/> is the engine's).</summary>
    RolledBack,

    /// <summary>The engine stopped the update (paused) or could not roll back.</summary>
    Failed,

    /// <summary>Neither finished nor failed when the time was up: the engine goes on with it.</summary>
    TimedOut,
}

/// <summary>How a create or update ended; <see cref="Reason"/> is the engine's <c>UpdateStatus.Message</c> (or the last task error).</summary>
public sealed record SwarmRollout(SwarmRolloutStatus Status, string? Reason);

/// <summary>One task (a replica's container) as the managers see it.</summary>
public sealed record SwarmTask
{
    public required string Id { get; init; }

    /// <summary>Null while the task waits to be scheduled.</summary>
    public string? NodeId { get; init; }

    public string? NodeHostname { get; init; }

    /// <summary>The replica's slot (1…replicas): a task that replaces another in an update has its slot.</summary>
    public long? Slot { get; init; }

    /// <summary>When the task reached <see cref="State"/>.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>The engine's word: <c>new</c>, <c>pending</c>, <c>starting</c>, <c>running</c>, <c>failed</c>, <c>shutdown</c>…</summary>
    public required string State { get; init; }

    public required string DesiredState { get; init; }

    public string? Error { get; init; }

    public string? Image { get; init; }

    /// <summary>The task's address (no prefix length) on each overlay network it is on, by network id.</summary>
    public IReadOnlyDictionary<string, string> Addresses { get; init; } = new Dictionary<string, string>();

    public bool IsRunning => State == "running" && DesiredState == "running";
}
