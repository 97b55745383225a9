using System.Net;
using System.Net.Sockets;
using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Containers;
using GoForge.Core.Identity;

namespace GoForge.Core.Servers;

/// <summary>The Swarm page's work (docs/decisions/swarm.md): administrators only, every change audited.</summary>
public sealed class SwarmService(ISwarmEngine engine, IAuditLog audit, TimeProvider time)
{
    public const int MaxLabels = 64;
    public const int MaxLabelKeyLength = 128;
    public const int MaxLabelValueLength = 256;

    private static readonly Error NotAdmin = Error.Forbidden("Only administrators manage the Swarm.");
    private static readonly Error NoNode = Error.NotFound("The Swarm has no such node.");

    public async Task<Result<SwarmStatus>> StatusAsync(Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        return await CallAsync(() => engine.StatusAsync(ct));
    }

    /// <summary>Turns this engine into the manager of a new Swarm; <paramref name="advertiseAddress"/> is an IP address of the engine's machine, or empty to let the engine choose.</summary>
    public async Task<Result> InitAsync(Actor actor, string? advertiseAddress, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        var address = string.IsNullOrWhiteSpace(advertiseAddress) ? null : advertiseAddress.Trim();
        if (address is not null && !IsIpAddress(address))
        {
            return Error.Validation("advertiseAddress", "Give an IP address of the engine's machine (such as 10.0.0.5), or leave it empty for the engine to choose.");
        }

        var status = await CallAsync(() => engine.StatusAsync(ct));
        if (!status.IsSuccess)
        {
            return status.Error!;
        }

        if (status.Value!.State != SwarmState.Inactive)
        {
            return Error.Conflict("This engine is in a Swarm already.");
        }

        var done = await CallAsync(async () =>
        {
            await engine.InitAsync(address, ct);
            return true;
        });
        if (!done.IsSuccess)
        {
            return done.Error!;
        }

        await audit.RecordAsync(time, actor, AuditActions.SwarmInitialized, "swarm", address is null ? "advertise address chosen by the engine" : $"advertise address {address}", ct);
        return Result.Success;
    }

    /// <summary>The join commands. The tokens let any engine join the cluster, so each reading is audited.</summary>
    public async Task<Result<SwarmJoin>> JoinAsync(Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var manager = await ManagerAsync(actor, ct);
        if (!manager.IsSuccess)
        {
            return manager.Error!;
        }

        var join = await CallAsync(() => engine.JoinAsync(ct));
        if (join.IsSuccess)
        {
            await audit.RecordAsync(time, actor, AuditActions.SwarmJoinTokensViewed, "swarm", null, ct);
        }

        return join;
    }

    public async Task<Result<IReadOnlyList<ClusterNode>>> NodesAsync(Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var manager = await ManagerAsync(actor, ct);
        if (!manager.IsSuccess)
        {
            return manager.Error!;
        }

        return await CallAsync(async () => (IReadOnlyList<ClusterNode>)[.. (await engine.ListNodesAsync(ct)).OrderBy(n => n.Role).ThenBy(n => n.Hostname, StringComparer.Ordinal)]);
    }

    /// <summary>Drain (its tasks move to other nodes), pause or activate a node.</summary>
    public async Task<Result<ClusterNode>> SetAvailabilityAsync(Actor actor, string nodeId, ClusterNodeAvailability availability, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(availability))
        {
            return Error.Validation(nameof(availability), "Choose active, pause or drain.");
        }

        return await UpdateAsync(actor, nodeId, node => (availability, node.Labels), $"availability {availability.ToString().ToLowerInvariant()}", ct);
    }

    /// <summary>Replaces the node's labels (placement constraints read them).</summary>
    public async Task<Result<ClusterNode>> SetLabelsAsync(Actor actor, string nodeId, IReadOnlyDictionary<string, string> labels, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var errors = LabelErrors(labels);
        if (errors.Count > 0)
        {
            return Error.Validation(new Dictionary<string, string[]> { ["labels"] = [.. errors] });
        }

        return await UpdateAsync(actor, nodeId, node => (node.Availability, labels), $"labels {string.Join(", ", labels.Keys.Order(StringComparer.Ordinal))}", ct);
    }

    /// <summary>Removes a worker that is down (a running node leaves by itself; a manager is demoted first, outside GoForge).</summary>
    public async Task<Result> RemoveNodeAsync(Actor actor, string nodeId, CancellationToken ct = default)
    {
        var found = await NodeAsync(actor, nodeId, ct);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var node = found.Value!;
        if (!node.IsDown)
        {
            return Error.Conflict($"Node {node.Hostname} is {node.State}: only a node that is down is removed here. Drain it, then run 'docker swarm leave' on it.");
        }

        if (node.Role == ClusterNodeRole.Manager)
        {
            return Error.Conflict($"Node {node.Hostname} is a manager: demote it first ('docker node demote'), which keeps the cluster's quorum in your hands.");
        }

        var done = await CallAsync(async () =>
        {
            await engine.RemoveNodeAsync(node.Id, ct);
            return true;
        });
        if (!done.IsSuccess)
        {
            return done.Error!;
        }

        await audit.RecordAsync(time, actor, AuditActions.SwarmNodeRemoved, $"node:{node.Hostname}", node.Id, ct);
        return Result.Success;
    }

    /// <summary>A node id as the engine writes them: 25 lower-case letters and digits.</summary>
    public static bool IsNodeId(string? id) =>
        id is { Length: 25 } && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c));

    /// <summary>Label keys: a letter or digit, then letters, digits, '.', '-', '_' (as Docker's own keys); values without control characters.</summary>
    public static IReadOnlyList<string> LabelErrors(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var errors = new List<string>();
        if (labels.Count > MaxLabels)
        {
            errors.Add($"A node has at most {MaxLabels} labels.");
        }

        foreach (var (key, value) in labels)
        {
            if (key.Length is 0 or > MaxLabelKeyLength || !char.IsAsciiLetterOrDigit(key[0]) || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            {
                errors.Add($"'{Shown(key)}' is not a label key: 1 to {MaxLabelKeyLength} letters, digits, '.', '-' and '_', starting with a letter or digit.");
            }

            if (value is null || value.Length > MaxLabelValueLength || value.Any(char.IsControl))
            {
                errors.Add($"The value of '{Shown(key)}' must be at most {MaxLabelValueLength} characters, without control characters.");
            }
        }

        return errors;
    }

    private static string Shown(string key) => key.Length > 40 ? key[..40] + "…" : new string([.. key.Select(c => char.IsControl(c) ? '?' : c)]);

    private static bool IsIpAddress(string text) =>
        IPAddress.TryParse(text, out var ip) && ip.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
        && text.All(c => char.IsAsciiHexDigit(c) || c is '.' or ':');

    private async Task<Result<ClusterNode>> UpdateAsync(
        Actor actor,
        string nodeId,
        Func<ClusterNode, (ClusterNodeAvailability Availability, IReadOnlyDictionary<string, string> Labels)> change,
        string detail,
        CancellationToken ct)
    {
        var found = await NodeAsync(actor, nodeId, ct);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var node = found.Value!;
        var (availability, labels) = change(node);
        var updated = await CallAsync(async () =>
        {
            await engine.UpdateNodeAsync(node.Id, node.Version, availability, labels, ct);
            return await engine.GetNodeAsync(node.Id, ct);
        });
        if (!updated.IsSuccess)
        {
            return updated.Error!;
        }

        await audit.RecordAsync(time, actor, AuditActions.SwarmNodeUpdated, $"node:{node.Hostname}", detail, ct);
        return updated.Value is { } now ? now : NoNode;
    }

    private async Task<Result<ClusterNode>> NodeAsync(Actor actor, string nodeId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var manager = await ManagerAsync(actor, ct);
        if (!manager.IsSuccess)
        {
            return manager.Error!;
        }

        if (!IsNodeId(nodeId))
        {
            return NoNode;
        }

        var node = await CallAsync(() => engine.GetNodeAsync(nodeId, ct));
        return !node.IsSuccess ? node.Error! : node.Value is { } found ? found : NoNode;
    }

    /// <summary>Administrators only, and this engine must manage a Swarm for its nodes to be listed or changed.</summary>
    private async Task<Result<SwarmStatus>> ManagerAsync(Actor actor, CancellationToken ct)
    {
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        var status = await CallAsync(() => engine.StatusAsync(ct));
        if (!status.IsSuccess)
        {
            return status;
        }

        return status.Value is { State: SwarmState.Active, IsManager: true }
            ? status
            : Error.Conflict("This engine does not manage a Swarm: turn it into a Swarm manager first.");
    }

    private static async Task<Result<T>> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return Result<T>.Ok(await call());
        }
        catch (EngineException e)
        {
            return Error.Conflict($"The Docker engine refused: {e.Message}");
        }
    }
}
