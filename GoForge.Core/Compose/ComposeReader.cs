using GoForge.Core.Projects;

namespace GoForge.Core.Compose;

/// <summary>What the reader needs besides the tree.</summary>
/// <param name="ComposePath">The compose file's path inside the repository ('/' separators); relative paths in the file start from its folder.</param>
/// <param name="Variables">The application's variables: <c>${NAME}</c> in a service's section reads only those that reach that service.</param>
/// <param name="AllowBindMounts">An administrator allowed host folders for this application.</param>
/// <param name="ProtectedHostPaths">GoForge's own folders, never bind-mounted (AppVolumeOptions.ProtectedHostPaths).</param>
/// <param name="Files">The repository's files read so far, by repository path: the env_files' text.</param>
public sealed record ComposeReadOptions(
    string ComposePath,
    IReadOnlyList<EnvironmentVariable> Variables,
    bool AllowBindMounts,
    IReadOnlyList<string> ProtectedHostPaths,
    IReadOnlyDictionary<string, string> Files);

/// <summary>An env_file the file names, as a repository path; <see cref="Required"/> false for <c>required: false</c>; <see cref="Key"/> and <see cref="Line"/> where the file names it.</summary>
public sealed record ComposeEnvFile(string Path, bool Required, string Key, int Line);

/// <summary>The reader's answer: the project when there is no problem, and the env_files the file names (to read them from a clone).</summary>
public sealed record ComposeReading(ComposeProject? Project, IReadOnlyList<ComposeProblem> Problems, IReadOnlyList<ComposeEnvFile> EnvFiles);

/// <summary>
/// Checks a compose file's tree against GoForge's rules (docs/decisions/compose.md) and builds the
/// <see cref="ComposeProject"/>. Strict: every key is either read, refused with its reason, or refused as unknown; none is
/// ignored but <c>name</c>, <c>version</c> and <c>x-*</c> extensions at the top. Every problem is collected (not only the
/// first), each with the key's path and line.
/// </summary>
public sealed partial class ComposeReader
{
    public const int MaxServiceNameLength = 63;

    public const int MaxServices = 64;

    private readonly ComposeReadOptions _options;
    private readonly string _folder;
    private readonly List<ComposeProblem> _problems = [];
    private readonly List<ComposeEnvFile> _envFiles = [];
    private readonly HashSet<string> _declaredVolumes = new(StringComparer.Ordinal);
    private Func<string, string?> _lookup = _ => null;

    private ComposeReader(ComposeReadOptions options)
    {
        _options = options;
        var slash = options.ComposePath.LastIndexOf('/');
        _folder = slash < 0 ? "" : options.ComposePath[..slash];
    }

    /// <summary>Reads <paramref name="root"/>: the project, or every problem found.</summary>
    public static ComposeReading Read(ComposeNode root, ComposeReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(options);
        var reader = new ComposeReader(options);
        var project = reader.ReadTop(root);
        return new ComposeReading(reader._problems.Count == 0 ? project : null, reader._problems, reader._envFiles);
    }

    private ComposeProject? ReadTop(ComposeNode root)
    {
        if (root is not ComposeMap top)
        {
            Problem("(file)", root.Line, "must hold one mapping with 'services'.");
            return null;
        }

        // Named volumes first: a service's mount names one, wherever the file declares it.
        if (top.Entries.FirstOrDefault(e => e.Key == "volumes") is { } volumesEntry)
        {
            ReadTopVolumes(volumesEntry);
        }

        ComposeMap? servicesNode = null;
        foreach (var entry in top.Entries)
        {
            switch (entry.Key)
            {
                case "services":
                    servicesNode = entry.Value as ComposeMap;
                    if (servicesNode is null)
                    {
                        Problem("services", entry.KeyLine, "must be a mapping of service names to services.");
                    }

                    break;
                case "volumes":
                    break;
                case "name" or "version":
                    // Accepted and ignored: GoForge names the project after the application; 'version' is obsolete in compose too.
                    break;
                default:
                    if (entry.Key.StartsWith("x-", StringComparison.Ordinal))
                    {
                        // Extension fields hold values for anchors, which GoForge refuses anyway: read as nothing.
                        break;
                    }

                    Refuse(entry.Key, entry, TopRefused);
                    break;
            }
        }

        if (servicesNode is null)
        {
            if (!top.Entries.Any(e => e.Key == "services"))
            {
                Problem("services", top.Line, "is missing: a compose file needs at least one service.");
            }

            return null;
        }

        if (servicesNode.Entries.Count == 0)
        {
            Problem("services", servicesNode.Line, "holds no service.");
            return null;
        }

        if (servicesNode.Entries.Count > MaxServices)
        {
            Problem("services", servicesNode.Line, $"holds {servicesNode.Entries.Count} services; a compose application has at most {MaxServices}.");
            return null;
        }

        var services = new List<ComposeService>();
        var names = servicesNode.Entries.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in servicesNode.Entries)
        {
            if (ReadService(entry, names) is { } service)
            {
                services.Add(service);
            }
        }

        var ordered = _problems.Count == 0 ? Order(services) : services;
        return new ComposeProject(ordered, [.. _declaredVolumes.Order(StringComparer.Ordinal)]);
    }

    private void ReadTopVolumes(ComposeEntry entry)
    {
        if (entry.Value is ComposeScalar { Value: null })
        {
            return;
        }

        if (entry.Value is not ComposeMap volumes)
        {
            Problem("volumes", entry.KeyLine, "must be a mapping of volume names.");
            return;
        }

        foreach (var volume in volumes.Entries)
        {
            var key = $"volumes.{volume.Key}";
            if (!IsVolumeName(volume.Key))
            {
                Problem(key, volume.KeyLine, $"is not a volume name: use 1 to {MaxServiceNameLength} letters, digits, '-', '_' and '.', starting with a letter or digit.");
                continue;
            }

            _declaredVolumes.Add(volume.Key);
            if (volume.Value is ComposeScalar { Value: null })
            {
                continue;
            }

            if (volume.Value is not ComposeMap settings)
            {
                Problem(key, volume.KeyLine, "must be empty or a mapping.");
                continue;
            }

            foreach (var setting in settings.Entries)
            {
                Refuse($"{key}.{setting.Key}", setting, VolumeRefused);
            }
        }
    }

    /// <summary>Dependencies first; among services free to start, file order. A cycle is a problem naming its services.</summary>
    private List<ComposeService> Order(List<ComposeService> services)
    {
        var ordered = new List<ComposeService>(services.Count);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var remaining = new List<ComposeService>(services);
        while (remaining.Count > 0)
        {
            var next = remaining.FirstOrDefault(s => s.DependsOn.All(d => placed.Contains(d.Service)));
            if (next is null)
            {
                var cycle = string.Join(", ", remaining.Select(s => s.Name));
                var first = remaining[0];
                Problem($"services.{first.Name}.depends_on", first.Line, $"makes a dependency cycle among {cycle}; no service could start first.");
                return services;
            }

            ordered.Add(next);
            placed.Add(next.Name);
            remaining.Remove(next);
        }

        return ordered;
    }

    private void Problem(string key, int line, string message) => _problems.Add(new ComposeProblem(key, line, message));

    /// <summary>Refuses <paramref name="entry"/> with its known reason, or as a key GoForge does not read.</summary>
    private void Refuse(string key, ComposeEntry entry, Dictionary<string, string> reasons) =>
        Problem(key, entry.KeyLine, reasons.TryGetValue(entry.Key, out var reason)
            ? reason
            : "is not a key GoForge reads in a compose file (docs/decisions/compose.md lists those it does); remove it.");

    private static bool IsServiceName(string name) =>
        name.Length is > 0 and <= MaxServiceNameLength
        && (char.IsAsciiLetterLower(name[0]) || char.IsAsciiDigit(name[0]))
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_');

    private static bool IsVolumeName(string name) =>
        name.Length is > 0 and <= MaxServiceNameLength
        && char.IsAsciiLetterOrDigit(name[0])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
