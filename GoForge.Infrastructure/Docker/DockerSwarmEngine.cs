using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Core.Servers;

namespace GoForge.Infrastructure.Docker;

/// <summary>The Swarm calls of the Engine API (<c>/swarm</c>, <c>/nodes</c>), on the engine GoForge drives. Every failure is an <see cref="EngineException"/> with the engine's words.</summary>
internal sealed class DockerSwarmEngine(DockerClientProvider docker) : ISwarmEngine
{
    /// <summary>Swarm's default port for managers and joins.</summary>
    private const int SwarmPort = 2377;

    public Task<SwarmStatus> StatusAsync(CancellationToken ct = default) => CallAsync(async () =>
    {
        var swarm = (await docker.Client.System.GetSystemInfoAsync(ct)).Swarm;
        var state = swarm?.LocalNodeState switch
        {
            "active" => SwarmState.Active,
            "pending" => SwarmState.Pending,
            "error" => SwarmState.Error,
            "locked" => SwarmState.Locked,
            _ => SwarmState.Inactive,
        };
        return new SwarmStatus(
            state,
            swarm?.ControlAvailable == true,
            string.IsNullOrEmpty(swarm?.NodeID) ? null : swarm.NodeID,
            swarm?.Cluster?.ID,
            string.IsNullOrEmpty(swarm?.Error) ? null : swarm.Error);
    });

    public Task InitAsync(string? advertiseAddress, CancellationToken ct = default) => CallAsync(async () =>
    {
        var parameters = new SwarmInitParameters { ListenAddr = $"0.0.0.0:{SwarmPort}" };
        if (advertiseAddress is not null)
        {
            parameters.AdvertiseAddr = advertiseAddress.Contains(':', StringComparison.Ordinal) ? $"[{advertiseAddress}]:{SwarmPort}" : $"{advertiseAddress}:{SwarmPort}";
        }

        return await docker.Client.Swarm.InitSwarmAsync(parameters, ct);
    });

    public Task<SwarmJoin> JoinAsync(CancellationToken ct = default) => CallAsync(async () =>
    {
        var tokens = (await docker.Client.Swarm.InspectSwarmAsync(ct)).JoinTokens;
        var info = (await docker.Client.System.GetSystemInfoAsync(ct)).Swarm;
        var self = info?.RemoteManagers?.FirstOrDefault(m => m.NodeID == info.NodeID)?.Addr
            ?? info?.NodeAddr + ":" + SwarmPort;
        return new SwarmJoin(self, tokens.Worker, tokens.Manager);
    });

    public Task<IReadOnlyList<ClusterNode>> ListNodesAsync(CancellationToken ct = default) => CallAsync(async () =>
        (IReadOnlyList<ClusterNode>)[.. (await docker.Client.Swarm.ListNodesAsync(ct)).Select(ToNode)]);

    public Task<ClusterNode?> GetNodeAsync(string id, CancellationToken ct = default) => CallAsync(async () =>
    {
        try
        {
            return ToNode(await docker.Client.Swarm.InspectNodeAsync(id, ct));
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            return null;
        }
    });

    public Task UpdateNodeAsync(string id, ulong version, ClusterNodeAvailability availability, IReadOnlyDictionary<string, string> labels, CancellationToken ct = default) =>
        CallAsync(async () =>
        {
            // The spec is replaced whole: the role (and a name, if one was set) is read first and kept.
            var current = await docker.Client.Swarm.InspectNodeAsync(id, ct);
            await docker.Client.Swarm.UpdateNodeAsync(id, version, new NodeUpdateParameters
            {
                Name = current.Spec?.Name,
                Role = current.Spec?.Role,
                Availability = availability.ToString().ToLowerInvariant(),
                Labels = labels.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal),
            }, ct);
            return true;
        });

    public Task RemoveNodeAsync(string id, CancellationToken ct = default) => CallAsync(async () =>
    {
        await docker.Client.Swarm.RemoveNodeAsync(id, force: false, ct);
        return true;
    });

    private static ClusterNode ToNode(NodeListResponse node) => new()
    {
        Id = node.ID,
        Hostname = node.Description?.Hostname ?? node.ID,
        Role = node.Spec?.Role == "manager" ? ClusterNodeRole.Manager : ClusterNodeRole.Worker,
        Availability = node.Spec?.Availability switch
        {
            "drain" => ClusterNodeAvailability.Drain,
            "pause" => ClusterNodeAvailability.Pause,
            _ => ClusterNodeAvailability.Active,
        },
        State = node.Status?.State ?? "unknown",
        Address = node.Status?.Addr,
        EngineVersion = node.Description?.Engine?.EngineVersion,
        Labels = node.Spec?.Labels is { } labels ? new Dictionary<string, string>(labels, StringComparer.Ordinal) : new Dictionary<string, string>(),
        NanoCpus = node.Description?.Resources?.NanoCPUs ?? 0,
        MemoryBytes = node.Description?.Resources?.MemoryBytes ?? 0,
        IsLeader = node.ManagerStatus?.Leader == true,
        Version = node.Version?.Index ?? 0,
    };

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
