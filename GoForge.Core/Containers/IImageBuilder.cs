namespace GoForge.Core.Containers;

/// <summary>Builds a container image from a checked-out source tree.</summary>
public interface IImageBuilder
{
    /// <summary>
    /// Builds <paramref name="request"/> and tags it. Build output is reported line by line to <paramref name="log"/>.
    /// Throws <see cref="EngineException"/> with the engine's error text when the build fails, and
    /// <see cref="OperationCanceledException"/> (leaving no image with the tag) when <paramref name="ct"/> is cancelled.
    /// </summary>
    Task<BuiltImage> BuildAsync(ImageBuildRequest request, IProgress<string> log, CancellationToken ct = default);
}

/// <summary>What to build.</summary>
/// <param name="ContextDirectory">The build context: a local directory, sent honouring its <c>.dockerignore</c>.</param>
/// <param name="DockerfilePath">The Dockerfile, relative to <paramref name="ContextDirectory"/> (for example <c>Dockerfile</c> or <c>deploy/Dockerfile</c>).</param>
/// <param name="Tag">The image reference to tag the result with, e.g. <c>goforge/app-1:abc123</c>.</param>
/// <param name="BuildArgs">Values for the Dockerfile's <c>ARG</c>s.</param>
/// <param name="Labels">Labels put on the image.</param>
public sealed record ImageBuildRequest(
    string ContextDirectory,
    string DockerfilePath,
    string Tag,
    IReadOnlyDictionary<string, string> BuildArgs,
    IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>
    /// The checked-out repository the context lies in: the context, the Dockerfile and <c>.dockerignore</c> must resolve
    /// (every link followed) inside it. Null: the context itself is the boundary.
    /// </summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>
    /// Build-time secrets, given to <c>RUN --mount=type=secret,id=KEY</c> steps as files and never as build arguments:
    /// their values reach no layer, no history entry and no image config.
    /// </summary>
    public IReadOnlyDictionary<string, string> Secrets { get; init; } = new Dictionary<string, string>();

    /// <summary>The Dockerfile stage to build (<c>--target</c>); null builds the last stage.</summary>
    public string? Target { get; init; }

    /// <summary>
    /// Whose build this is (the application's id): cache mounts (<c>RUN --mount=type=cache</c>) are kept per scope, so
    /// two applications never share, or poison, one cache. Null: the build uses no cache mount scope of its own.
    /// </summary>
    public string? CacheScope { get; init; }
}

/// <summary>A built image: the engine's id (<c>sha256:...</c>) and the tag it carries.</summary>
public sealed record BuiltImage(string ImageId, string Tag);
