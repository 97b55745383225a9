using GoForge.Core.Projects;

namespace GoForge.Core.Deployments;

/// <summary>
/// The repository credential a clone uses. Deployments owns the port; the Git providers feature, which stores the
/// credentials, implements it, so the runner needs nothing of GitProviders.
/// </summary>
public interface IRepositoryCredentials
{
    /// <summary>The credential a clone of <paramref name="app"/> uses (its own, else its project's), or why none.</summary>
    Task<RepositoryAccess> ResolveAsync(Application app, CancellationToken ct);

    /// <summary>Pins the host key a first SSH clone saw (trust on first use); false when one was pinned before or no credential was used.</summary>
    Task<bool> PinHostKeyAsync(RepositoryAccess access, string fingerprint, CancellationToken ct);
}

/// <summary>How a clone authenticates.</summary>
/// <param name="CredentialId">The stored credential used; null when the clone is anonymous.</param>
/// <param name="Secret">The token or private key, masked in the deployment log like any secret; null when anonymous.</param>
/// <param name="ForClone">What the Git client authenticates with; null when anonymous.</param>
/// <param name="Note">Which credential is used, or why one is not, for the deployment log; null when there is none.</param>
/// <param name="HostKeyPinned">True when the credential already has a pinned SSH host key.</param>
/// <param name="AllowPrivateNetworks">True when an administrator allows local and private repositories.</param>
public sealed record RepositoryAccess(Guid? CredentialId, string? Secret, GitCredentials? ForClone, string? Note, bool HostKeyPinned, bool AllowPrivateNetworks = false);
