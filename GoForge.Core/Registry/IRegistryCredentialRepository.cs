using GoForge.Core.Containers;

namespace GoForge.Core.Registry;

/// <summary>
/// An image application's registry credential (one per application) and the facts its pulls and digest checks need.
/// The password or token is plain text in memory only: the implementation encrypts it at rest (ISecretProtector).
/// </summary>
public interface IRegistryCredentialRepository
{
    /// <summary>The credential with its password, for a pull; null when the application has none.</summary>
    Task<RegistryAuth?> GetAsync(Guid applicationId, CancellationToken ct = default);

    /// <summary>Inserts or replaces the application's credential.</summary>
    Task SetAsync(Guid applicationId, RegistryAuth credential, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>True when there was one to delete.</summary>
    Task<bool> DeleteAsync(Guid applicationId, CancellationToken ct = default);

    /// <summary>Records the digest a deployment's pull resolved its reference to.</summary>
    Task RecordDigestAsync(Guid deploymentId, string digest, CancellationToken ct = default);

    /// <summary>Image applications with a digest check, each with the digest of its running deployment (null when none runs).</summary>
    Task<IReadOnlyList<DigestCheckTarget>> ListDigestChecksAsync(CancellationToken ct = default);
}

/// <summary>An image application the digest check asks about, every <see cref="Minutes"/>.</summary>
public sealed record DigestCheckTarget(Guid ApplicationId, string ImageReference, int Minutes, string? RunningDigest, bool HasActiveOrPending);
