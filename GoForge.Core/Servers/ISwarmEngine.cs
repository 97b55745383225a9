namespace GoForge.Core.Servers;

/// <summary>Whether the engine GoForge drives is part of a Swarm (the engine's <c>Swarm.LocalNodeState</c>).</summary>
public enum SwarmState
{
    Inactive,
    Pending,
    Active,
    Error,
    Locked,
}

/// <summary>The engine's place in a Swarm: its state, whether it manages the cluster, and its ids when it is in one.</summary>
public sealed record SwarmStatus(SwarmState State, bool IsManager, string? NodeId, string? ClusterId, string? Error);

public enum ClusterNodeRole
{
    Worker,
    Manager,
}

/// <summary>Whether the scheduler places tasks on a node: active, paused (keeps its tasks, gets no new ones) or drained (its tasks move).</summary>
public enum ClusterNodeAvailability
{
    Active,
    Pause,
    Drain,
}

/// <summary>One node of the Swarm as its managers see it; <see cref="Version"/> guards an update against a concurrent one.</summary>
public sealed record ClusterNode
{
    public required string Id { get; init; }

    public required string Hostname { get; init; }

    public required ClusterNodeRole Role { get; init; }

    public required ClusterNodeAvailability Availability { get; init; }

    /// <summary>The engine's word: <c>ready</c>, <c>down</c>, <c>unknown</c>, <c>disconnected</c>.</summary>
    public required string State { get; init; }

    public string? Address { get; init; }

    public string? EngineVersion { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>CPUs in billionths (the engine's unit): 2 CPUs are 2,000,000,000.</summary>
    public long NanoCpus { get; init; }

    public long MemoryBytes { get; init; }

    public bool IsLeader { get; init; }

    public required ulong Version { get; init; }

    public bool IsDown => State is "down" or "disconnected";
}

/// <summary>What another engine needs to join: the manager's address and the two join tokens (secrets: anyone holding one joins the cluster).</summary>
public sealed record SwarmJoin(string ManagerAddress, string WorkerToken, string ManagerToken)
{
    /// <summary>The command to run on the machine that joins (shown to copy; GoForge never runs it).</summary>
    public string Command(ClusterNodeRole role) =>
        $"docker swarm join --token {(role == ClusterNodeRole.Manager ? ManagerToken : WorkerToken)} {ManagerAddress}";
}

/// <summary>The Swarm calls of the Engine API GoForge uses (Infrastructure's Docker adapter). Failures are <see cref="Containers.EngineException"/>s with the engine's words.</summary>
public interface ISwarmEngine
{
    Task<SwarmStatus> StatusAsync(CancellationToken ct = default);

    /// <summary><c>swarm init</c>: this engine becomes the manager of a new Swarm, advertising <paramref name="advertiseAddress"/> (the engine picks when null).</summary>
    Task InitAsync(string? advertiseAddress, CancellationToken ct = default);

    Task<SwarmJoin> JoinAsync(CancellationToken ct = default);

    Task<IReadOnlyList<ClusterNode>> ListNodesAsync(CancellationToken ct = default);

    /// <summary>The node, or null when the Swarm has no node with that id.</summary>
    Task<ClusterNode?> GetNodeAsync(string id, CancellationToken ct = default);

    /// <summary>Sets the node's availability and labels at <paramref name="version"/>; the role is kept.</summary>
    Task UpdateNodeAsync(string id, ulong version, ClusterNodeAvailability availability, IReadOnlyDictionary<string, string> labels, CancellationToken ct = default);

    Task RemoveNodeAsync(string id, CancellationToken ct = default);
}
