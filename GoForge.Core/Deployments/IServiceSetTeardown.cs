namespace GoForge.Core.Deployments;

/// <summary>
/// What an application's compose deployments hold outside their deployment rows (one route per service, the images on
/// their service rows). A port, so Deployments stays below the Compose feature that implements it
/// (<c>Compose/ComposeTeardown</c>, docs/deployments/compose-overview.md).
/// </summary>
public interface IServiceSetTeardown
{
    /// <summary>The services and image tags of every compose deployment of the application; empty when it never had one.</summary>
    Task<ServiceSetRemains> FindAsync(Guid applicationId, CancellationToken ct);

    /// <summary>Removes the route of every service in <paramref name="remains"/> and of every container labelled with one; a proxy failure throws.</summary>
    Task RemoveRoutesAsync(Guid applicationId, ServiceSetRemains remains, CancellationToken ct);

    /// <summary>Removes the application's own network (once its containers are gone); none is not an error; an engine failure throws.</summary>
    Task RemoveNetworkAsync(Guid applicationId, CancellationToken ct);
}

/// <summary>The services and image tags an application's compose deployments recorded.</summary>
public sealed record ServiceSetRemains(IReadOnlyList<string> Services, IReadOnlyList<string> ImageTags)
{
    public bool IsEmpty => Services.Count == 0 && ImageTags.Count == 0;
}
