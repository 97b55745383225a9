using System.Text;
using GoForge.Core.Containers;

namespace GoForge.Infrastructure.Docker;

/// <summary>
/// A build's inputs, checked before anything is read or sent: the context folder, the Dockerfile and <c>.dockerignore</c>
/// resolve (every link followed) inside the repository, the Dockerfile inside the context, both within their size caps.
/// Messages name the path as the application's settings spell it, never where a link points.
/// </summary>
/// <param name="Context">The context's real path.</param>
/// <param name="Dockerfile">The Dockerfile's real path relative to <paramref name="Context"/>, with forward slashes: what the engine reads.</param>
/// <param name="DockerIgnore">The text of <c>.dockerignore</c>; null when there is none.</param>
internal sealed record BuildInputs(string Context, string Dockerfile, string? DockerIgnore)
{
    /// <summary>Throws <see cref="EngineException"/> naming the path that fails a check.</summary>
    public static async Task<BuildInputs> ResolveAsync(ImageBuildRequest request, BuildContextOptions limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(limits);
        var contextLexical = Path.GetFullPath(request.ContextDirectory);
        var repositoryLexical = Path.GetFullPath(request.RepositoryRoot ?? contextLexical);
        var contextName = Path.GetRelativePath(repositoryLexical, contextLexical).Replace('\\', '/');
        if (contextName == ".." || contextName.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(contextName))
        {
            throw new EngineException("The build context must be a folder inside the repository.");
        }

        string repository;
        try
        {
            repository = RepositoryPaths.RealPathOf(repositoryLexical);
        }
        catch (DirectoryNotFoundException)
        {
            throw new EngineException($"The build context '{contextName}' does not exist.");
        }

        var context = Expect(RepositoryPaths.Resolve(repository, contextName), $"The build context '{contextName}'", UnixFileType.Directory, "a folder");
        var dockerfileName = NormalizeDockerfilePath(request.DockerfilePath);
        var shownDockerfile = contextName == "." ? dockerfileName : $"{contextName}/{dockerfileName}";
        var dockerfile = RepositoryPaths.Resolve(repository, $"{contextName}/{dockerfileName}");
        if (dockerfile.Outcome is PathOutcome.Missing or PathOutcome.NotAFolder)
        {
            throw new EngineException($"Cannot locate the Dockerfile '{dockerfileName}' in the build context.");
        }

        Expect(dockerfile, $"The Dockerfile '{shownDockerfile}'", UnixFileType.Regular, "a regular file");
        if (!RepositoryPaths.IsInside(context.RealPath, dockerfile.RealPath))
        {
            throw new EngineException($"The Dockerfile '{shownDockerfile}' must name a file inside the build context '{contextName}'.");
        }

        if (dockerfile.Size > limits.MaxDockerfileBytes)
        {
            throw new EngineException($"The Dockerfile '{shownDockerfile}' is larger than {Size(limits.MaxDockerfileBytes)} ({BuildContextOptions.Key(nameof(BuildContextOptions.MaxDockerfileBytes))}).");
        }

        var ignore = await ReadDockerIgnoreAsync(repository, context.RealPath, contextName, limits.MaxDockerIgnoreBytes, ct);
        return new BuildInputs(context.RealPath, Path.GetRelativePath(context.RealPath, dockerfile.RealPath).Replace('\\', '/'), ignore);
    }

    /// <summary>A size as the settings' defaults read: "1 GiB", "512 KiB", "100 B".</summary>
    public static string Size(long bytes) => bytes switch
    {
        >= 1024L * 1024 * 1024 when bytes % (1024L * 1024 * 1024) == 0 => $"{bytes / (1024L * 1024 * 1024)} GiB",
        >= 1024L * 1024 when bytes % (1024L * 1024) == 0 => $"{bytes / (1024L * 1024)} MiB",
        >= 1024 when bytes % 1024 == 0 => $"{bytes / 1024} KiB",
        _ => $"{bytes} B",
    };

    private static async Task<string?> ReadDockerIgnoreAsync(string repository, string context, string contextName, long limit, CancellationToken ct)
    {
        var shown = contextName == "." ? ".dockerignore" : $"{contextName}/.dockerignore";
        if (UnixFiles.Stat(Path.Combine(context, ".dockerignore")).Type == UnixFileType.Missing)
        {
            return null;
        }

        var resolved = Expect(
            RepositoryPaths.Resolve(repository, Path.GetRelativePath(repository, context) + "/.dockerignore"),
            $"The file '{shown}'", UnixFileType.Regular, "a regular file");
        if (resolved.Size > limit)
        {
            throw TooLarge();
        }

        // Checked as a regular file above; the read still stops one byte past the cap, whatever happened since.
        var content = await UnixFiles.ReadBoundedAsync(resolved.RealPath, limit, ct);
        return content is null ? throw TooLarge() : Encoding.UTF8.GetString(content);

        EngineException TooLarge() => new(
            $"The file '{shown}' is larger than {Size(limit)} ({BuildContextOptions.Key(nameof(BuildContextOptions.MaxDockerIgnoreBytes))}).");
    }

    private static ResolvedPath Expect(ResolvedPath path, string subject, UnixFileType type, string what) => path.Outcome switch
    {
        PathOutcome.LeavesRepository => throw new EngineException(
            $"{subject} leaves the repository: it, or a link on its way, resolves outside the clone. Build inputs must stay inside the repository."),
        PathOutcome.Missing or PathOutcome.NotAFolder => throw new EngineException($"{subject} does not exist in the repository."),
        PathOutcome.TooManyLinks => throw new EngineException($"{subject} cannot be resolved: more than {RepositoryPaths.MaxLinks} links on its way (a loop?)."),
        PathOutcome.Resolved when path.Type != type => throw new EngineException($"{subject} is not {what}."),
        PathOutcome.Resolved => path,
        _ => throw new ArgumentOutOfRangeException(nameof(path), path.Outcome, null),
    };

    /// <summary>The engine wants the Dockerfile as a forward-slash path inside the context; anything outside is refused.</summary>
    private static string NormalizeDockerfilePath(string path)
    {
        var segments = path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
        if (segments.Count == 0 || segments.Contains(".."))
        {
            throw new EngineException($"The Dockerfile path '{path}' must name a file inside the build context.");
        }

        return string.Join('/', segments);
    }
}
