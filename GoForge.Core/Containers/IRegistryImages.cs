using GoForge.Core.Projects;
namespace GoForge.Core.Containers;

/// <summary>
/// An image application's images on the engine: pulled from their registry (with the application's credential, if
/// any), made the deployment's own, and asked after without a pull. Errors are <see cref="EngineException"/>s with the
/// registry's words; a refused credential says so ("the registry refused the credentials for …").
/// </summary>
public interface IRegistryImages
{
    /// <summary>
    /// Pulls <paramref name="reference"/> (always asking the registry, so a moved tag is seen), reporting each pull step,
    /// and returns the digest the registry resolved it to. Refuses (<see cref="EngineException"/>) an image whose labels
    /// are in a namespace GoForge or a proxy reads (<see cref="ReservedImageLabels"/>), without any exemption.
    /// </summary>
    Task<PulledImage> PullAsync(ImageReference reference, RegistryAuth? auth, IProgress<ImagePullProgress>? progress, CancellationToken ct = default);

    /// <summary>
    /// Makes <paramref name="pulled"/> the deployment's image <paramref name="tag"/> (<c>goforge/&lt;slug&gt;:&lt;id&gt;</c>)
    /// carrying <paramref name="labels"/> (GoForge's build labels), so image retention and rollbacks treat it like a built one.
    /// </summary>
    Task AdoptAsync(PulledImage pulled, string tag, IReadOnlyDictionary<string, string> labels, CancellationToken ct = default);

    /// <summary>The digest the registry has for <paramref name="reference"/> now, asked without pulling (the engine's distribution endpoint).</summary>
    Task<string> RemoteDigestAsync(ImageReference reference, RegistryAuth? auth, CancellationToken ct = default);

    /// <summary>
    /// Pushes the local image <paramref name="localTag"/> (one GoForge built) to <paramref name="target"/> (a registry
    /// reference with a tag, no digest), so every node of a Swarm can pull it, and returns the digest the registry
    /// stored it under: a service is deployed by <c>name@digest</c>, never by a tag that may move
    /// (docs/decisions/swarm.md). A refused credential is said so; the credential travels only as the Engine API's
    /// registry header.
    /// </summary>
    Task<string> PushAsync(string localTag, ImageReference target, RegistryAuth? auth, IProgress<ImagePullProgress>? progress, CancellationToken ct = default);
}

/// <summary>A pulled image: the engine's id and the registry digest of the reference it was pulled by.</summary>
public sealed record PulledImage(string ImageId, string Digest);

/// <summary>What a pull presents to a registry. <see cref="Password"/> is a secret: masked in logs, never shown back.</summary>
public sealed record RegistryAuth(string Registry, string Username, string Password)
{
    /// <summary>Never the password.</summary>
    public override string ToString() => $"{Username}@{Registry}";
}
