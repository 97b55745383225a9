using GoForge.Core.Backups;

namespace GoForge.Infrastructure.Backups.Storage;

/// <summary>
/// Archives in a folder on the panel's server. A write goes to a hidden temporary file in the archive's folder (owner
/// read/write only) and is renamed over the key when complete, so a failed or canceled write leaves nothing under the
/// key. Keys are GoForge's own, checked again here: relative, '/'-separated, no "." or ".." segments, no control
/// characters, and they always resolve inside the folder.
/// </summary>
internal sealed class LocalBackupStore : IBackupStore
{
    private const string TempPrefix = ".partial-";
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly string _root;

    public LocalBackupStore(LocalDestinationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var errors = new GoForge.Core.Common.FieldErrors();
        _root = BackupDestinationRules.CheckFolder(settings.Folder, errors)
            ?? throw new BackupStoreException($"'{settings.Folder}' is not a usable backup folder.");
    }

    public async Task<long> WriteAsync(string key, Stream content, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(key);
        var folder = Path.GetDirectoryName(path)!;
        CreateFolder(folder);
        // Named for its key, so the recovery of a killed panel removes exactly this run's partial file.
        var temp = Path.Combine(folder, TempPrefix + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N"));
        try
        {
            long bytes;
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Options = FileOptions.Asynchronous,
                BufferSize = 0,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerFile;
            }

            await using (var file = new FileStream(temp, options))
            {
                await content.CopyToAsync(file, 1024 * 1024, ct);
                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
                bytes = file.Length;
            }

            File.Move(temp, path, overwrite: true);
            return bytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new BackupStoreException($"Writing to the folder '{_root}' failed: {e.Message}", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken ct = default)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No archive '{key}' in the folder.", key);
        }

        return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan));
    }

    public Task DeleteAsync(string key, CancellationToken ct = default)
    {
        var path = PathOf(key);
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BackupStoreException($"Removing an archive from the folder '{_root}' failed: {e.Message}", e);
        }

        return Task.CompletedTask;
    }

    public Task<int> RemovePartialWritesAsync(string keyStem, CancellationToken ct = default)
    {
        var stem = PathOf(keyStem);
        var folder = Path.GetDirectoryName(stem)!;
        if (!Directory.Exists(folder))
        {
            return Task.FromResult(0);
        }

        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(folder, TempPrefix + "*"))
        {
            if (Path.GetFileName(file).StartsWith(TempPrefix + Path.GetFileName(stem), StringComparison.Ordinal))
            {
                File.Delete(file);
                removed++;
            }
        }

        return Task.FromResult(removed);
    }

    public Task<IReadOnlyList<StoredArchive>> ListAsync(string keyPrefix, CancellationToken ct = default)
    {
        var prefix = keyPrefix ?? string.Empty;
        if (prefix.Length > 0)
        {
            CheckKey(prefix.TrimEnd('/'));
        }

        if (!Directory.Exists(_root))
        {
            return Task.FromResult<IReadOnlyList<StoredArchive>>([]);
        }

        var archives = new List<StoredArchive>();
        foreach (var file in Directory.EnumerateFiles(_root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true }))
        {
            var key = Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (Path.GetFileName(file).StartsWith(TempPrefix, StringComparison.Ordinal) || !key.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var info = new FileInfo(file);
            archives.Add(new StoredArchive(key, info.Length, info.LastWriteTimeUtc));
        }

        return Task.FromResult<IReadOnlyList<StoredArchive>>(archives.OrderBy(a => a.Key, StringComparer.Ordinal).ToList());
    }

    private string PathOf(string key)
    {
        CheckKey(key);
        var full = Path.GetFullPath(Path.Combine(_root, key));
        if (!full.StartsWith(_root + "/", StringComparison.Ordinal))
        {
            throw new BackupStoreException("That archive key leaves the destination's folder.");
        }

        return full;
    }

    private static void CheckKey(string key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 1024 || key.StartsWith('/') || key.Contains('\\', StringComparison.Ordinal) || key.Any(char.IsControl)
            || key.Split('/').Any(s => s is "" or "." or ".." || s.StartsWith(TempPrefix, StringComparison.Ordinal)))
        {
            throw new BackupStoreException("That is not an archive key (relative, '/'-separated, no '.' or '..').");
        }
    }

    private void CreateFolder(string folder)
    {
        try
        {
            // Owner-only for what GoForge creates; an existing folder keeps the mode its administrator gave it.
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
                return;
            }

            Directory.CreateDirectory(_root, OwnerFolder);
            Directory.CreateDirectory(folder, OwnerFolder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BackupStoreException($"The folder '{_root}' cannot be created or written: {e.Message}", e);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind as a hidden ".partial-" file, never listed.
        }
    }
}
