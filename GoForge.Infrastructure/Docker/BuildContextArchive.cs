using System.Formats.Tar;
using GoForge.Core.Containers;

namespace GoForge.Infrastructure.Docker;

/// <summary>
/// Writes a checked build context (<see cref="BuildInputs"/>) to a self-deleting temporary tar file, so contexts of any
/// size are streamed to the engine from disk instead of held in memory. Folders are walked, regular files read, links
/// sent as links and never followed (the engine resolves them inside the context, as it does for the docker CLI);
/// a FIFO, device or socket fails the build without being opened. The files' total size is capped.
/// </summary>
internal static class BuildContextArchive
{
    /// <summary>
    /// Returns the tar positioned at its start; disposing it deletes the file. Throws <see cref="EngineException"/> past a limit.
    /// <paramref name="dockerfile"/>, when given, is sent as the Dockerfile's content instead of the file's (a rewritten copy).
    /// </summary>
    public static async Task<FileStream> CreateAsync(BuildInputs inputs, long maxContextBytes, CancellationToken ct, byte[]? dockerfile = null, bool forCli = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var ignore = DockerIgnore.Parse(inputs.DockerIgnore);

        // Like the docker CLI: the Dockerfile and .dockerignore are sent even when .dockerignore names them.
        var alwaysSent = new HashSet<string>(StringComparer.Ordinal) { inputs.Dockerfile, ".dockerignore" };
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
                if (forCli)
                {
                    // The docker CLI tells a tar on standard input from a Dockerfile by reading one 512-byte header;
                    // a PAX entry begins with an extended header that this check cannot read, so a plain ustar entry
                    // for the context's root comes first.
                    await tar.WriteEntryAsync(new UstarTarEntry(TarEntryType.Directory, "./")
                    {
                        Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
                        ModificationTime = DateTimeOffset.UnixEpoch,
                    }, ct);
                }

                var walk = new Walk(tar, ignore, alwaysSent, maxContextBytes, inputs.Dockerfile, dockerfile);
                await walk.AddDirectoryAsync(inputs.Context, "", ct);
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

    private sealed class Walk(TarWriter tar, DockerIgnore ignore, HashSet<string> alwaysSent, long maxBytes, string dockerfileName, byte[]? dockerfile)
    {
        private long _bytes;

        public async Task AddDirectoryAsync(string directory, string relativeDirectory, CancellationToken ct)
        {
            var entries = new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                ct.ThrowIfCancellationRequested();
                var relative = relativeDirectory.Length == 0 ? entry.Name : $"{relativeDirectory}/{entry.Name}";
                var excluded = ignore.IsExcluded(relative) && !alwaysSent.Contains(relative);
                var (type, size) = UnixFiles.Stat(entry.FullName);
                switch (type)
                {
                    case UnixFileType.Directory:
                        // An excluded directory is only walked when an exception might bring back something inside it.
                        if (excluded && !ignore.HasExceptions && !alwaysSent.Any(p => p.StartsWith(relative + "/", StringComparison.Ordinal)))
                        {
                            continue;
                        }

                        if (!excluded)
                        {
                            await tar.WriteEntryAsync(entry.FullName, relative, ct);
                        }

                        await AddDirectoryAsync(entry.FullName, relative, ct);
                        break;
                    case UnixFileType.Regular when !excluded:
                        _bytes += size;
                        if (_bytes > maxBytes)
                        {
                            throw new EngineException(
                                $"The build context is larger than {BuildInputs.Size(maxBytes)} ({BuildContextOptions.Key(nameof(BuildContextOptions.MaxContextBytes))}). "
                                + "List what the image does not need in .dockerignore.");
                        }

                        if (dockerfile is not null && relative == dockerfileName)
                        {
                            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, relative)
                            {
                                DataStream = new MemoryStream(dockerfile),
                                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                            }, ct);
                        }
                        else
                        {
                            await tar.WriteEntryAsync(entry.FullName, relative, ct);
                        }

                        break;
                    case UnixFileType.SymbolicLink when !excluded:
                        // Written as a link entry: its target is recorded as text, never opened.
                        await tar.WriteEntryAsync(entry.FullName, relative, ct);
                        break;
                    case UnixFileType.Special when !excluded:
                        throw new EngineException(
                            $"The build context holds '{relative}', a FIFO, device or socket: only files, folders and links are sent. List it in .dockerignore.");
                    default:
                        // Excluded, or gone since the folder was listed.
                        break;
                }
            }
        }
    }
}
