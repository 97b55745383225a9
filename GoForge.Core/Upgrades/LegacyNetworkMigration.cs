using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using GoForge.Core.Services;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Upgrades;

/// <summary>
/// Moves an install's containers off the networks GoForge named before issue 17 (<c>goforge-&lt;project slug&gt;-&lt;environment
/// slug&gt;</c>, which collide) onto their environment's own network (<see cref="EnvironmentNetworks"/>). Docker cannot
/// rename a network, so for each environment the new network is ensured, and every container the database proves is
/// the environment's (a running deployment's or a service's recorded container id) is connected to it, services with
/// their host-name alias. With a proxy network set, the proxy never used the environment networks: the container also
/// leaves the old one. Without it the proxy may reach the container there, so it stays until the container is
/// replaced. An old network is removed once no container is left on it; a container GoForge cannot prove is its own is
/// never moved, so its network stays. Idempotent: a second run finds nothing to do (docs/deployments/naming.md).
/// </summary>
public sealed partial class LegacyNetworkMigration(
    IProjectRepository projects,
    IEnvironmentRepository environments,
    IApplicationRepository applications,
    IDeploymentRepository deployments,
    IServiceInstanceRepository services,
    INetworkStore store,
    EnvironmentNetworks networks,
    IOptions<ProxyNetworkOptions> proxyNetwork,
    ILogger<LegacyNetworkMigration> logger)
{
    /// <summary>Runs the migration once; what it did.</summary>
    public async Task<LegacyNetworkReport> RunAsync(CancellationToken ct = default)
    {
        var leave = proxyNetwork.Value.Network is not null;
        var seen = new Dictionary<string, EngineNetwork>(StringComparer.Ordinal);
        var moved = 0;
        foreach (var summary in await projects.ListAsync(null, ct))
        {
            var project = summary.Project;
            foreach (var environment in await environments.ListAsync(project.Id, ct))
            {
                var legacyName = EngineNames.Legacy.EnvironmentNetwork(project.Slug, environment.Slug);
                var olds = (await store.FindByNameAsync(legacyName, ct)).Where(IsLegacy).ToList();
                if (olds.Count == 0)
                {
                    continue;
                }

                var owned = await OwnedContainersAsync(environment.Id, ct);
                foreach (var old in olds)
                {
                    seen[old.Id] = old;
                    var mine = owned.Where(c => old.ContainerIds.Contains(c.Id, StringComparer.Ordinal)).ToList();
                    if (mine.Count == 0)
                    {
                        continue;
                    }

                    var target = await networks.EnsureAsync(project.Id, environment.Id, ct);
                    foreach (var (containerId, aliases) in mine)
                    {
                        await store.ConnectAsync(target.Id, containerId, aliases, ct);
                        if (leave)
                        {
                            await store.DisconnectAsync(old.Id, containerId, ct);
                        }

                        moved++;
                        LogMoved(logger, containerId, old.Name, target.Name);
                    }
                }
            }
        }

        var removed = 0;
        var kept = 0;
        foreach (var old in seen.Values)
        {
            var now = (await store.FindByNameAsync(old.Name, ct)).FirstOrDefault(n => n.Id == old.Id);
            if (now is null)
            {
                continue;
            }

            if (now.ContainerIds.Count == 0)
            {
                await store.RemoveAsync(now.Id, ct);
                removed++;
                LogRemoved(logger, now.Name, now.Id);
            }
            else
            {
                kept++;
                LogKept(logger, now.Name, now.Id, now.ContainerIds.Count);
            }
        }

        return new LegacyNetworkReport(moved, removed, kept);
    }

    /// <summary>Made by GoForge before owner labels: <c>goforge.managed=true</c> and no kind.</summary>
    private static bool IsLegacy(EngineNetwork network) =>
        network.Labels.TryGetValue(GoForgeLabels.Managed, out var managed) && managed == "true" && !network.Labels.ContainsKey(GoForgeLabels.Kind);

    /// <summary>The containers the database records for the environment: running deployments' and services' (with their host alias).</summary>
    private async Task<List<(string Id, IReadOnlyList<string> Aliases)>> OwnedContainersAsync(Guid environmentId, CancellationToken ct)
    {
        var owned = new List<(string Id, IReadOnlyList<string> Aliases)>();
        foreach (var app in await applications.ListByEnvironmentAsync(environmentId, ct))
        {
            owned.AddRange((await deployments.ListRunningAsync(app.Id, ct)).Select(d => d.ContainerId).OfType<string>().Select(id => (id, (IReadOnlyList<string>)[])));
        }

        foreach (var instance in await services.ListByEnvironmentAsync(environmentId, ct))
        {
            if (instance.ContainerId is { } id)
            {
                owned.Add((id, [instance.Host]));
            }
        }

        return owned;
    }

    [LoggerMessage(EventId = 3210, Level = LogLevel.Information, Message = "Moved container {ContainerId} from the old network {OldNetwork} to {Network}")]
    private static partial void LogMoved(ILogger logger, string containerId, string oldNetwork, string network);

    [LoggerMessage(EventId = 3211, Level = LogLevel.Information, Message = "Removed the old network {OldNetwork} ({NetworkId}): no container is left on it")]
    private static partial void LogRemoved(ILogger logger, string oldNetwork, string networkId);

    [LoggerMessage(EventId = 3212, Level = LogLevel.Warning, Message = "Kept the old network {OldNetwork} ({NetworkId}): {Containers} containers are still on it")]
    private static partial void LogKept(ILogger logger, string oldNetwork, string networkId, int containers);
}

/// <summary>What a run of <see cref="LegacyNetworkMigration"/> did: containers moved, old networks removed and kept.</summary>
public sealed record LegacyNetworkReport(int Moved, int Removed, int Kept);
