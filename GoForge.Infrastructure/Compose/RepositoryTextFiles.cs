using GoForge.Core.Compose;
using GoForge.Infrastructure.Docker;
using GoForge.Infrastructure.Yaml;

namespace GoForge.Infrastructure.Compose;

/// <summary>
/// A clone's text files with the build contexts' real-path rules (<see cref="RepositoryPaths"/>): every link followed,
/// refused the moment the walk would leave the clone, only regular files (never a FIFO or a device), the size checked
/// before and during the read, UTF-8 only. Messages name the path as given, never where a link points.
/// </summary>
internal sealed class RepositoryTextFiles : IRepositoryFiles
{
    public async Task<RepositoryFile> ReadTextAsync(string repositoryRoot, string path, int maxBytes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(repositoryRoot);
        ArgumentNullException.ThrowIfNull(path);
        string root;
        try
        {
            root = RepositoryPaths.RealPathOf(repositoryRoot);
        }
        catch (DirectoryNotFoundException)
        {
            return RepositoryFile.Missing("The repository's folder does not exist.");
        }

        if (Path.IsPathRooted(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            return RepositoryFile.Refused($"'{path}' is not a path inside the repository.");
        }

        var resolved = RepositoryPaths.Resolve(root, path);
        if (resolved.Outcome is PathOutcome.Missing or PathOutcome.NotAFolder)
        {
            return RepositoryFile.Missing($"'{path}' does not exist in the repository.");
        }

        if (RepositoryPaths.Problem(resolved, $"'{path}'", UnixFileType.Regular, "a regular file", "Compose files and env_files") is { } problem)
        {
            return RepositoryFile.Refused(problem);
        }

        var limits = new YamlLimits(ComposeNode.MaxDepth, maxBytes, "a compose file or env_file", "");
        try
        {
            StrictYaml.CheckSize(resolved.Size, limits);
            var content = await UnixFiles.ReadBoundedAsync(resolved.RealPath, maxBytes, ct);
            if (content is null)
            {
                StrictYaml.CheckSize(maxBytes + 1L, limits);
            }

            return new RepositoryFile(RepositoryFileStatus.Read, StrictYaml.Decode(content, limits), null);
        }
        catch (StrictYamlException e)
        {
            return RepositoryFile.Refused($"'{path}' {e.Message}");
        }
    }

    public string? CheckBuild(string repositoryRoot, string context, string dockerfile)
    {
        ArgumentNullException.ThrowIfNull(repositoryRoot);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(dockerfile);
        string root;
        try
        {
            root = RepositoryPaths.RealPathOf(repositoryRoot);
        }
        catch (DirectoryNotFoundException)
        {
            return "The repository's folder does not exist.";
        }

        var shownDockerfile = context == "." ? dockerfile : $"{context}/{dockerfile}";
        if (Path.IsPathRooted(context) || Path.IsPathRooted(dockerfile) || context.Contains('\0', StringComparison.Ordinal) || dockerfile.Contains('\0', StringComparison.Ordinal))
        {
            return $"The build context '{context}' is not a path inside the repository.";
        }

        var folder = RepositoryPaths.Resolve(root, context);
        if (Problem(folder, $"The build context '{context}'", UnixFileType.Directory, "a folder") is { } contextProblem)
        {
            return contextProblem;
        }

        var file = RepositoryPaths.Resolve(root, $"{context}/{dockerfile}");
        if (Problem(file, $"The Dockerfile '{shownDockerfile}'", UnixFileType.Regular, "a regular file") is { } fileProblem)
        {
            return fileProblem;
        }

        return RepositoryPaths.IsInside(folder.RealPath, file.RealPath)
            ? null
            : $"The Dockerfile '{shownDockerfile}' must be a file inside the build context '{context}' (a link on its way leads out of it).";
    }

    private static string? Problem(ResolvedPath path, string subject, UnixFileType type, string what) =>
        RepositoryPaths.Problem(path, subject, type, what, "Build inputs");
}
