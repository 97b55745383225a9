using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Crypto;

/// <summary>
/// The keys for stored secrets: one current key (encrypts and decrypts) and retired keys (decrypt only, until a
/// rotation has moved every value off them). They come from <c>GoForge:SecretKey</c> and
/// <c>GoForge:RetiredSecretKeys</c> when the key is configured, otherwise from the key file
/// <c>&lt;DataPath&gt;/secret-keys</c> (one base64 key a line, current first), created owner-only on first use.
/// Readers see an immutable snapshot; a rotation swaps in a new one, so a running panel picks up a new key at once.
/// </summary>
public sealed class SecretKeyRing
{
    public const string KeyFileName = "secret-keys";

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly IOptions<SecretKeyOptions> _options;
    private readonly ILogger<SecretKeyRing> _logger;
    private readonly Lock _gate = new();
    private Snapshot? _snapshot;

    public SecretKeyRing(IOptions<SecretKeyOptions> options, ILogger<SecretKeyRing> logger)
    {
        _options = options;
        _logger = logger;
    }

    /// <summary>True when the keys come from configuration, which GoForge cannot rewrite.</summary>
    public bool IsFromConfiguration => _options.Value.HasConfiguredKey;

    /// <summary>The key file, when the keys come from one.</summary>
    public string? KeyFilePath => IsFromConfiguration ? null : Path.Combine(_options.Value.DataPath, KeyFileName);

    /// <summary>Where the keys come from, for operators' messages.</summary>
    public string Source => IsFromConfiguration
        ? $"configuration ({SecretKeyOptions.SectionName}:{nameof(SecretKeyOptions.SecretKey)} and {SecretKeyOptions.SectionName}:{nameof(SecretKeyOptions.RetiredSecretKeys)})"
        : $"the key file {KeyFilePath}";

    /// <summary>True when this process created the key file because there was none.</summary>
    public bool CreatedKeyFile => Load().CreatedKeyFile;

    public string CurrentKeyId => Load().Current.Id;

    /// <summary>Keys that still decrypt but no longer encrypt.</summary>
    public IReadOnlyList<string> RetiredKeyIds => Load().Retired.Select(k => k.Id).ToList();

    internal SecretKey Current => Load().Current;

    /// <summary>
    /// Finds a key that decrypts. Keys a rotation dropped stay here until the process stops, so a read that
    /// raced the rotation still decrypts; they are gone from disk and no value can be stored under them.
    /// </summary>
    internal bool TryGet(string keyId, [NotNullWhen(true)] out SecretKey? key) => Load().Decrypting.TryGetValue(keyId, out key);

    /// <summary>Makes <paramref name="key"/> the current key, keeping every earlier key as retired; the key file is rewritten first.</summary>
    internal void Install(SecretKey key)
    {
        var path = KeyFilePath ?? throw new InvalidOperationException(
            $"The secret keys come from configuration, which GoForge cannot change: set {SecretKeyOptions.SectionName}:{nameof(SecretKeyOptions.SecretKey)} to the new key instead.");
        Load();
        lock (_gate)
        {
            var old = _snapshot!;
            var retired = new[] { old.Current }.Concat(old.Retired).Where(k => k.Id != key.Id).DistinctBy(k => k.Id).ToImmutableArray();
            WriteKeyFile(path, [key, .. retired], overwrite: true);
            Volatile.Write(ref _snapshot, old with { Current = key, Retired = retired, Decrypting = old.Decrypting.SetItem(key.Id, key) });
        }
    }

    /// <summary>
    /// After a rotation: drops the retired keys from the key file and returns their ids. With keys from
    /// configuration nothing changes here; the ids returned are the retired keys the operator may now remove.
    /// </summary>
    internal IReadOnlyList<string> DropRetiredKeys()
    {
        var snapshot = Load();
        var retiredIds = snapshot.Retired.Select(k => k.Id).ToList();
        if (KeyFilePath is not { } path || retiredIds.Count == 0)
        {
            return retiredIds;
        }

        lock (_gate)
        {
            var old = _snapshot!;
            WriteKeyFile(path, [old.Current], overwrite: true);
            Volatile.Write(ref _snapshot, old with { Retired = [] });
            return old.Retired.Select(k => k.Id).ToList();
        }
    }

    private Snapshot Load()
    {
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is not null)
        {
            return snapshot;
        }

        lock (_gate)
        {
            if (_snapshot is null)
            {
                var loaded = IsFromConfiguration ? ReadConfiguredKeys(_options.Value) : ReadKeyFile(KeyFilePath!);
                SecretsLog.KeysLoaded(_logger, Source, loaded.Current.Id, loaded.Retired.Length);
                Volatile.Write(ref _snapshot, loaded);
            }

            return _snapshot;
        }
    }

    private static Snapshot ReadConfiguredKeys(SecretKeyOptions options)
    {
        // The options validator has already named any bad value; this only guards against a bypassed validator.
        var current = Parse(options.SecretKey!, $"{SecretKeyOptions.SectionName}:{nameof(SecretKeyOptions.SecretKey)}");
        var retired = options.RetiredSecretKeys
            .Select((text, i) => Parse(text, $"{SecretKeyOptions.SectionName}:{nameof(SecretKeyOptions.RetiredSecretKeys)}:{i}"));
        return Snapshot.Of(current, retired, createdKeyFile: false);

        static SecretKey Parse(string text, string name) =>
            SecretKey.TryParse(text, out var key, out var problem) ? key : throw new InvalidOperationException($"{name} {problem}");
    }

    private Snapshot ReadKeyFile(string path)
    {
        var created = false;
        if (!File.Exists(path))
        {
            CreateFolder(Path.GetDirectoryName(path)!);
            var key = SecretKey.Generate();
            created = TryCreateKeyFile(path, key);
            if (created)
            {
                SecretsLog.KeyFileCreated(_logger, path, key.Id);
            }
        }

        RefuseSharedFile(path);
        var keys = new List<SecretKey>();
        var lines = File.ReadAllLines(path, Encoding.ASCII);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (!SecretKey.TryParse(line, out var key, out var problem))
            {
                throw new InvalidOperationException(
                    $"The secret key file {path}, line {i + 1}, {problem} Each line must hold one base64 key of {SecretKey.Size} bytes, the current key first.");
            }

            keys.Add(key);
        }

        if (keys.Count == 0)
        {
            throw new InvalidOperationException(
                $"The secret key file {path} holds no key. Restore it from a backup, or set {SecretKeyOptions.SectionName}:{nameof(SecretKeyOptions.SecretKey)}.");
        }

        return Snapshot.Of(keys[0], keys.Skip(1), created);
    }

    private static void CreateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, OwnerOnlyFolder);
        }
    }

    /// <summary>Writes a first key file; false when another process created one first (that one is then used).</summary>
    private static bool TryCreateKeyFile(string path, SecretKey key)
    {
        try
        {
            WriteKeyFile(path, [key], overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }

    private static void RefuseSharedFile(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOthers) != 0)
        {
            var octal = Convert.ToString((int)mode, 8).PadLeft(4, '0');
            throw new InvalidOperationException(
                $"The secret key file {path} is open to other users (mode {octal}); GoForge will not use it. " +
                $"Make it owner-only with `chmod 600 {path}` and start again.");
        }
    }

    /// <summary>Writes a temporary owner-only file, flushes it to disk, then renames it over the key file: a crash leaves the old file or the new one, never half of one.</summary>
    private static void WriteKeyFile(string path, IReadOnlyList<SecretKey> keys, bool overwrite)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        var content = Encoding.ASCII.GetBytes(string.Concat(keys.Select(k => k.ToBase64() + "\n")));
        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }

    private sealed record Snapshot(
        SecretKey Current, ImmutableArray<SecretKey> Retired, ImmutableDictionary<string, SecretKey> Decrypting, bool CreatedKeyFile)
    {
        public static Snapshot Of(SecretKey current, IEnumerable<SecretKey> retired, bool createdKeyFile)
        {
            var older = retired.Where(k => k.Id != current.Id).DistinctBy(k => k.Id).ToImmutableArray();
            var decrypting = older.Prepend(current).ToImmutableDictionary(k => k.Id, StringComparer.Ordinal);
            return new Snapshot(current, older, decrypting, createdKeyFile);
        }
    }
}
