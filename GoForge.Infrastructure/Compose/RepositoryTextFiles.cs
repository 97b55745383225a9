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
        switch (resolved.Outcome)
        {
            case PathOutcome.LeavesRepository:
                return RepositoryFile.Refused($"'{path}' leaves the repository: it, or a link on its way, resolves outside the clone. Compose files and env_files must stay inside the repository.");
            case PathOutcome.Missing or PathOutcome.NotAFolder:
                return RepositoryFile.Missing($"'{path}' does not exist in the repository.");
            case PathOutcome.TooManyLinks:
                return RepositoryFile.Refused($"'{path}' cannot be resolved: more than {RepositoryPaths.MaxLinks} links on its way (a loop?).");
        }

        if (resolved.Type != UnixFileType.Regular)
        {
            return RepositoryFile.Refused($"'{path}' is not a regular file.");
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
}
