using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Containers;

/// <summary>
/// An environment's bridge network: named from its id (<see cref="EngineNames.EnvironmentNetwork"/>), labelled with its
/// owners, and never shared. A network of that name that does not carry exactly these owner labels is refused, never
/// joined. The ensure step runs one at a time per name in this process; should the engine still hold several of our
/// networks of one name (another process raced us), the oldest (then the lowest id) is kept, the empty others are
/// removed, and containers attach by that id, so the name is never ambiguous to GoForge.
/// </summary>
public sealed partial class EnvironmentNetworks(INetworkStore store, InstallationIdentity installation, ILogger<EnvironmentNetworks> logger)
{
    private const int SettleListings = 20;
    private const int SettleAgreements = 2;
    private static readonly TimeSpan SettlePause = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan YoungFor = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>The labels that say a network belongs to this environment; all must match.</summary>
    public static IReadOnlyDictionary<string, string> OwnerLabels(Guid projectId, Guid environmentId) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [GoForgeLabels.Managed] = "true",
        [GoForgeLabels.Kind] = GoForgeLabels.Kinds.EnvironmentNetwork,
        [GoForgeLabels.Project] = projectId.ToString(),
        [GoForgeLabels.Environment] = environmentId.ToString(),
    };

    /// <summary>True when <paramref name="labels"/> carry every one of <paramref name="owner"/>'s labels with the same value.</summary>
    public static bool IsOwnedBy(IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string> owner)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(owner);
        return owner.All(o => labels.TryGetValue(o.Key, out var value) && string.Equals(value, o.Value, StringComparison.Ordinal));
    }

    /// <summary>
    /// The environment's network, created when missing: its id (attach by it) and name. Throws
    /// <see cref="EngineException"/> when a network of that name exists but is not this environment's.
    /// </summary>
    public Task<OwnedNetwork> EnsureAsync(Guid projectId, Guid environmentId, CancellationToken ct = default) =>
        EnsureOwnedAsync(EngineNames.EnvironmentNetwork(environmentId), OwnerLabels(projectId, environmentId), "this environment", ct);

    /// <summary>The labels that say a network is this compose application's own; all must match.</summary>
    public static IReadOnlyDictionary<string, string> ComposeOwnerLabels(Guid projectId, Guid environmentId, Guid applicationId) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [GoForgeLabels.Managed] = "true",
        [GoForgeLabels.Kind] = GoForgeLabels.Kinds.ComposeNetwork,
        [GoForgeLabels.Project] = projectId.ToString(),
        [GoForgeLabels.Environment] = environmentId.ToString(),
        [GoForgeLabels.App] = applicationId.ToString(),
    };

    /// <summary>
    /// A compose application's own network (<see cref="EngineNames.ComposeNetwork"/>), created when missing, with the same
    /// ownership rules as an environment's: its services answer to their names there and nowhere else, so two
    /// applications of one environment can both have a <c>db</c>. Throws <see cref="EngineException"/> when a network of
    /// that name exists but is not this application's.
    /// </summary>
    public Task<OwnedNetwork> EnsureComposeAsync(Guid projectId, Guid environmentId, Guid applicationId, CancellationToken ct = default) =>
        EnsureOwnedAsync(EngineNames.ComposeNetwork(applicationId), ComposeOwnerLabels(projectId, environmentId, applicationId), "this application", ct);

    private async Task<OwnedNetwork> EnsureOwnedAsync(string name, IReadOnlyDictionary<string, string> owner, string ownerName, CancellationToken ct)
    {
        var gate = _gates.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            var found = Owned(await store.FindByNameAsync(name, ct), name, owner, ownerName);
            if (found.Count == 0)
            {
                if (await store.CreateAsync(name, await installation.StampAsync(owner, ct), ct) is { } id)
                {
                    LogCreated(logger, name, id);
                }

                found = await SettledAsync(name, owner, ownerName, ct);
            }
            else if (found.Any(n => n.Created > DateTimeOffset.UtcNow - YoungFor))
            {
                // Made a moment ago, maybe by another process that is still creating its own of the name.
                found = await SettledAsync(name, owner, ownerName, ct);
            }

            if (found.Count == 0)
            {
                throw new EngineException($"Docker network {name} was created but is not listed by the engine; try again.");
            }

            var kept = found[0];
            foreach (var extra in found.Skip(1))
            {
                await RemoveDuplicateAsync(extra, kept, ct);
            }

            return new OwnedNetwork(kept.Id, name);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary><see cref="EnsureSharedAsync"/> for a setting that may be unset: null for a null <paramref name="name"/>.</summary>
    public async Task<OwnedNetwork?> EnsureSharedOrNoneAsync(string? name, CancellationToken ct = default) =>
        name is null ? null : await EnsureSharedAsync(name, ct);

    /// <summary>
    /// The proxy's network (<c>GoForge:Proxy:Network</c>), or the panel's probe network (<c>GoForge:Docker:ProbeNetwork</c>), shared by every routed container by design: the administrator's,
    /// so any network of that name is joined (usually the compose file made it); created, labelled, when missing. Several
    /// of the name: the oldest is used, by id, and our own empty extras are removed.
    /// </summary>
    public async Task<OwnedNetwork> EnsureSharedAsync(string name, CancellationToken ct = default)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [GoForgeLabels.Managed] = "true",
            [GoForgeLabels.Kind] = GoForgeLabels.Kinds.ProxyNetwork,
        };
        var gate = _gates.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            var found = await store.FindByNameAsync(name, ct);
            if (found.Count == 0)
            {
                if (await store.CreateAsync(name, await installation.StampAsync(labels, ct), ct) is { } id)
                {
                    LogCreated(logger, name, id);
                }

                found = await store.FindByNameAsync(name, ct);
            }

            var ordered = found.OrderBy(n => n.Created).ThenBy(n => n.Id, StringComparer.Ordinal).ToList();
            if (ordered.Count == 0)
            {
                throw new EngineException($"Docker network {name} was created but is not listed by the engine; try again.");
            }

            foreach (var extra in ordered.Skip(1).Where(n => IsOwnedBy(n.Labels, labels)))
            {
                await RemoveDuplicateAsync(extra, ordered[0], ct);
            }

            return new OwnedNetwork(ordered[0].Id, name);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// After a create, or on finding a network made a moment ago: another process may be creating the same name at this
    /// moment (engines before 25 allow it), and the engine lists a network once it is stored, not in the order of
    /// creation, so one listing can miss an older one that then wins. Lists again until three listings in a row agree (a
    /// short pause apart, a bounded number of times), so every caller sees the networks created alongside and keeps the
    /// same oldest. Only the first deployments of an environment pay this.
    /// </summary>
    private async Task<List<EngineNetwork>> SettledAsync(string name, IReadOnlyDictionary<string, string> owner, string ownerName, CancellationToken ct)
    {
        var found = Owned(await store.FindByNameAsync(name, ct), name, owner, ownerName);
        var agreed = 0;
        for (var listing = 0; listing < SettleListings && agreed < SettleAgreements; listing++)
        {
            await Task.Delay(SettlePause, ct);
            var again = Owned(await store.FindByNameAsync(name, ct), name, owner, ownerName);
            agreed = again.Select(n => n.Id).SequenceEqual(found.Select(n => n.Id), StringComparer.Ordinal) ? agreed + 1 : 0;
            found = again;
        }

        return found;
    }

    /// <summary>Ours, oldest first; throws when any network of the name belongs to someone else.</summary>
    private static List<EngineNetwork> Owned(IReadOnlyList<EngineNetwork> found, string name, IReadOnlyDictionary<string, string> owner, string ownerName)
    {
        if (found.Any(n => !IsOwnedBy(n.Labels, owner)))
        {
            throw new EngineException(
                $"Docker network {name} exists but is not owned by {ownerName} (its labels do not name it); GoForge will not attach to it. Remove or rename that network.");
        }

        return found.OrderBy(n => n.Created).ThenBy(n => n.Id, StringComparer.Ordinal).ToList();
    }

    private async Task RemoveDuplicateAsync(EngineNetwork extra, EngineNetwork kept, CancellationToken ct)
    {
        if (extra.ContainerIds.Count > 0)
        {
            LogDuplicateInUse(logger, extra.Name, extra.Id, kept.Id, extra.ContainerIds.Count);
            return;
        }

        try
        {
            await store.RemoveAsync(extra.Id, ct);
            LogDuplicateRemoved(logger, extra.Name, extra.Id, kept.Id);
        }
        catch (EngineException e)
        {
            // Another process may have attached a container meanwhile: the kept network serves either way.
            LogDuplicateInUse(logger, extra.Name, extra.Id, kept.Id, -1);
            LogDuplicateRemoveFailed(logger, e.Message);
        }
    }

    [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "Created network {Network} ({NetworkId})")]
    private static partial void LogCreated(ILogger logger, string network, string networkId);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Removed duplicate network {Network} ({NetworkId}); {KeptId} is kept")]
    private static partial void LogDuplicateRemoved(ILogger logger, string network, string networkId, string keptId);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "Duplicate network {Network} ({NetworkId}) is in use ({Containers} containers) and kept; new containers use {KeptId}")]
    private static partial void LogDuplicateInUse(ILogger logger, string network, string networkId, string keptId, int containers);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Warning, Message = "The duplicate network could not be removed: {Reason}")]
    private static partial void LogDuplicateRemoveFailed(ILogger logger, string reason);
}

/// <summary>A network GoForge owns: its id (what containers attach by) and its name (what labels and logs show).</summary>
public sealed record OwnedNetwork(string Id, string Name);
