using GoForge.Core.Common;
using GoForge.Core.Containers;
using GoForge.Core.Routing;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Compose;

/// <summary>
/// What deleting a compose application takes away beyond a single-container one (docs/deployments/compose-overview.md):
/// one proxy route per service (<see cref="ComposeRouteKeys"/>), its own network, the images named on its service rows, and, only when the
/// user asks for its volumes, its compose volumes. The containers go with the application's (the <c>goforge.app</c>
/// label every compose container carries). A volume is removed only when its labels prove it is this installation's
/// volume of this application; a volume of the same name made by anyone else stays.
/// </summary>
public sealed partial class ComposeTeardown(
    IComposeServiceHistory history,
    IProxyRoutes proxy,
    IContainerRuntime containers,
    IVolumeStore volumes,
    INetworkStore networks,
    InstallationIdentity installation,
    ILogger<ComposeTeardown> logger) : Deployments.IServiceSetTeardown, Volumes.IDeclaredVolumeTeardown
{
    /// <summary>Every service row of the application's deployments; empty for an application that never had a compose deployment.</summary>
    public Task<IReadOnlyList<ComposeServiceSet>> HistoryAsync(Guid applicationId, CancellationToken ct = default) => history.ListAllAsync(applicationId, ct);

    /// <summary>
    /// Removes the route of every service the application ever had (on its rows, or on a container's
    /// <see cref="GoForgeLabels.ComposeService"/> label: a crash may have cut the deployment before its row was written).
    /// Nothing to remove is not an error; a proxy failure throws <see cref="ProxyException"/> and the caller keeps the rows.
    /// </summary>
    public Task RemoveRoutesAsync(Guid applicationId, IReadOnlyList<ComposeServiceSet> sets, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sets);
        return RemoveServiceRoutesAsync(applicationId, [.. sets.SelectMany(s => s.Services).Select(r => r.Service)], ct);
    }

    private async Task RemoveServiceRoutesAsync(Guid applicationId, IReadOnlyList<string> recorded, CancellationToken ct)
    {
        var labelled = await containers.ListLabelledAsync(new Dictionary<string, string> { [GoForgeLabels.App] = applicationId.ToString() }, ct);
        var services = recorded
            .Concat(labelled.Select(c => c.Label(GoForgeLabels.ComposeService)).OfType<string>())
            .Distinct(StringComparer.Ordinal);
        foreach (var service in services)
        {
            await proxy.RemoveAsync(ComposeRouteKeys.Of(applicationId, service), ct);
        }
    }

    async Task<Deployments.ServiceSetRemains> Deployments.IServiceSetTeardown.FindAsync(Guid applicationId, CancellationToken ct)
    {
        var sets = await HistoryAsync(applicationId, ct);
        return new([.. sets.SelectMany(s => s.Services).Select(r => r.Service).Distinct(StringComparer.Ordinal)], [.. ImageTags(sets)]);
    }

    Task Deployments.IServiceSetTeardown.RemoveRoutesAsync(Guid applicationId, Deployments.ServiceSetRemains remains, CancellationToken ct) =>
        RemoveServiceRoutesAsync(applicationId, remains.Services, ct);

    async Task Deployments.IServiceSetTeardown.RemoveNetworkAsync(Guid applicationId, CancellationToken ct)
    {
        var owned = await installation.StampAsync(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [GoForgeLabels.Managed] = "true",
            [GoForgeLabels.Kind] = GoForgeLabels.Kinds.ComposeNetwork,
            [GoForgeLabels.App] = applicationId.ToString(),
        }, ct);
        foreach (var network in await networks.ListAsync(owned, ct))
        {
            await networks.RemoveAsync(network.Id, ct);
        }
    }

    /// <summary>The image tags of the application's service rows, once each.</summary>
    public static IEnumerable<string> ImageTags(IReadOnlyList<ComposeServiceSet> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        return sets.SelectMany(s => s.Services).Select(r => r.ImageTag).OfType<string>().Distinct(StringComparer.Ordinal);
    }

    /// <summary>
    /// Removes the application's compose volumes that this installation made for it (labels managed, kind
    /// <see cref="GoForgeLabels.Kinds.ComposeVolume"/>, app and installation all match). A volume still mounted is refused
    /// by the engine: a conflict, nothing further is deleted, and deleting again finishes.
    /// </summary>
    public async Task<Result> RemoveVolumesAsync(Guid applicationId, CancellationToken ct = default)
    {
        var owned = await installation.StampAsync(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [GoForgeLabels.Managed] = "true",
            [GoForgeLabels.Kind] = GoForgeLabels.Kinds.ComposeVolume,
            [GoForgeLabels.App] = applicationId.ToString(),
        }, ct);
        foreach (var name in await volumes.ListVolumesAsync(owned, ct))
        {
            try
            {
                await volumes.RemoveVolumeAsync(name, ct);
                LogVolumeRemoved(logger, name, applicationId);
            }
            catch (EngineException e)
            {
                return Error.Conflict($"The compose volume {name} could not be removed ({e.Message}). A container still using it must stop first; nothing was deleted.");
            }
        }

        return Result.Success;
    }

    [LoggerMessage(EventId = 7370, Level = LogLevel.Information, Message = "Removed compose volume {Volume} of deleted application {ApplicationId}")]
    private static partial void LogVolumeRemoved(ILogger logger, string volume, Guid applicationId);
}
