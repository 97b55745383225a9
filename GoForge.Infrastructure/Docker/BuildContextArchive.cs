using System.Formats.Tar;

namespace GoForge.Infrastructure.Docker;

/// <summary>
/// Writes a build context directory to a self-deleting temporary tar file, so contexts of any size are streamed to
/// the engine from disk instead of held in memory.
/// </summary>
internal static class BuildContextArchive
{
    /// <summary>Returns the tar positioned at its start; disposing it deletes the file.</summary>
    public static async Task<FileStream> CreateAsync(string contextDirectory, string dockerfilePath, CancellationToken ct)
    {
        var root = Path.GetFullPath(contextDirectory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The build context {root} does not exist.");
        }

        var ignoreFile = Path.Combine(root, ".dockerignore");
        var ignore = DockerIgnore.Parse(File.Exists(ignoreFile) ? await File.ReadAllTextAsync(ignoreFile, ct) : null);

        // Like the docker CLI: the Dockerfile and .dockerignore are sent even when .dockerignore names them.
        var alwaysSent = new HashSet<string>(StringComparer.Ordinal) { dockerfilePath, ".dockerignore" };

        var archive = new FileStream(
            Path.Combine(Path.GetTempPath(), $"goforge-context-{Guid.NewGuid():N}.tar"),
            FileMode.CreateNew,
            FileAccess.ReadWrite,
            FileShare.None,
            bufferSize: 81920,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            await using (var tar = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
            {
                await AddDirectoryAsync(tar, root, "", ignore, alwaysSent, ct);
            }

            archive.Position = 0;
            return archive;
        }
        catch
        {
            await archive.DisposeAsync();
            throw;
        }
    }

    private static async Task AddDirectoryAsync(
        TarWriter tar, string directory, string relativeDirectory, DockerIgnore ignore, HashSet<string> alwaysSent, CancellationToken ct)
    {
        var entries = new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            ct.ThrowIfCancellationRequested();
            var relative = relativeDirectory.Length == 0 ? entry.Name : $"{relativeDirectory}/{entry.Name}";
            var excluded = ignore.IsExcluded(relative) && !alwaysSent.Contains(relative);
            var isDirectory = entry is DirectoryInfo && entry.LinkTarget is null;
            if (isDirectory)
            {
                // An excluded directory is only walked when an exception might bring back something inside it.
                if (excluded && !ignore.HasExceptions && !alwaysSent.Any(p => p.StartsWith(relative + "/", StringComparison.Ordinal)))
                {
                    continue;
                }

                if (!excluded)
                {
                    await tar.WriteEntryAsync(entry.FullName, relative, ct);
                }

                await AddDirectoryAsync(tar, entry.FullName, relative, ignore, alwaysSent, ct);
            }
            else if (!excluded)
            {
                await tar.WriteEntryAsync(entry.FullName, relative, ct);
            }
        }
    }
}
