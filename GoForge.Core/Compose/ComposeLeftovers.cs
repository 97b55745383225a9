using GoForge.Core.Deployments;

namespace GoForge.Core.Compose;

/// <summary>
/// What a compose application's deployments left on the proxy and the engine, for its deletion
/// (<see cref="ApplicationTeardown"/>): its deployment rows hold no image or container (the service rows do), so the
/// routes of its routed services and its services' images are read from those. Its containers carry the application's
/// label like any. Its named volumes stay: they hold data, and go only when a user removes them.
/// </summary>
public sealed class ComposeLeftovers(IComposeDeployments compose)
{
    /// <summary>The route keys and image tags of <paramref name="recent"/>'s services; empty for an application that is not a compose one.</summary>
    public async Task<(IReadOnlyList<Guid> Routes, IReadOnlyList<string> Images)> OfAsync(Guid applicationId, IReadOnlyList<Deployment> recent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(recent);
        var routes = new HashSet<Guid>();
        var images = new HashSet<string>(StringComparer.Ordinal);
        foreach (var deployment in recent)
        {
            foreach (var row in await compose.ListServicesAsync(deployment.Id, ct))
            {
                if (row.Routed)
                {
                    routes.Add(ComposeRouteKeys.Of(applicationId, row.Service));
                }

                if (row.ImageTag is { } tag)
                {
                    images.Add(tag);
                }
            }
        }

        return ([.. routes], [.. images]);
    }
}
