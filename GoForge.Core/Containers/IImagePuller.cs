namespace GoForge.Core.Containers;

/// <summary>Images a container runs but GoForge does not build (a service template's): present, or pulled from a registry.</summary>
public interface IImagePuller
{
    /// <summary>
    /// Makes sure <paramref name="image"/> is on the engine, pulling it when missing and reporting each pull step. Throws
    /// <see cref="EngineException"/> with a clear message when it is missing and cannot be pulled, or the engine is not reachable.
    /// </summary>
    Task EnsureImageAsync(string image, IProgress<ImagePullProgress>? progress, CancellationToken ct = default);
}

/// <summary>
/// A step of an image pull, for a progress bar: the engine's status, the layer it is about (null for the image), and,
/// when it reports them, bytes done and total. <c>Services/ImagePullTally</c> adds the steps up.
/// </summary>
public sealed record ImagePullProgress(string Status, long? Current, long? Total, string? Layer = null)
{
    /// <summary>"layer: status", or the status alone.</summary>
    public string Text => Layer is null ? Status : $"{Layer}: {Status}";
}
