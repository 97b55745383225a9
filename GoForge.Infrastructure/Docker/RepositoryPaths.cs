namespace GoForge.Infrastructure.Docker;

/// <summary>How resolving a path inside a repository ended.</summary>
internal enum PathOutcome
{
    Resolved,

    /// <summary>A component, or a link's target, lies outside the repository.</summary>
    LeavesRepository,
    Missing,

    /// <summary>A component before the last is a file, not a folder.</summary>
    NotAFolder,

    /// <summary>More than <see cref="RepositoryPaths.MaxLinks"/> links: a loop, most likely.</summary>
    TooManyLinks,
}

/// <summary>A resolved path: its real location (links followed), its type and size, or why there is none.</summary>
internal sealed record ResolvedPath(PathOutcome Outcome, string RealPath, UnixFileType Type, long Size)
{
    public bool IsResolved => Outcome == PathOutcome.Resolved;
}

/// <summary>
/// <c>realpath(3)</c> confined to a repository: every component of a path is examined in turn and every link followed,
/// and the walk stops the moment it would step outside the repository, before the outside path is even examined.
/// Only the repository's own ancestors may be passed through, on the way back in (an absolute link into the clone).
/// </summary>
internal static class RepositoryPaths
{
    public const int MaxLinks = 40;

    /// <summary>The real path of an absolute <paramref name="path"/> of the panel's own (its work folder), links followed.</summary>
    public static string RealPathOf(string path)
    {
        var resolved = Resolve("/", Path.GetFullPath(path));
        return resolved.IsResolved ? resolved.RealPath : throw new DirectoryNotFoundException($"The folder {path} does not exist.");
    }

    /// <summary>Resolves <paramref name="path"/> (absolute, or relative to <paramref name="root"/>) inside the real folder <paramref name="root"/>.</summary>
    public static ResolvedPath Resolve(string root, string path)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(path);
        var pending = new Stack<string>();
        Push(pending, path);
        var current = Path.IsPathRooted(path) ? "/" : root;
        var links = 0;
        (UnixFileType Type, long Size) stat = (UnixFileType.Directory, 0);
        while (pending.TryPop(out var component))
        {
            if (component.Length == 0 || component == ".")
            {
                continue;
            }

            var next = component == ".." ? Path.GetDirectoryName(current) ?? "/" : current == "/" ? "/" + component : current + "/" + component;
            if (!IsInside(root, next) && !IsAncestorOf(next, root))
            {
                return new ResolvedPath(PathOutcome.LeavesRepository, next, UnixFileType.Missing, 0);
            }

            if (component == "..")
            {
                current = next;
                stat = (UnixFileType.Directory, 0);
                continue;
            }

            if (stat.Type != UnixFileType.Directory)
            {
                return new ResolvedPath(PathOutcome.NotAFolder, current, stat.Type, 0);
            }

            stat = UnixFiles.Stat(next);
            switch (stat.Type)
            {
                case UnixFileType.Missing:
                    return new ResolvedPath(PathOutcome.Missing, next, UnixFileType.Missing, 0);
                case UnixFileType.SymbolicLink:
                    if (++links > MaxLinks)
                    {
                        return new ResolvedPath(PathOutcome.TooManyLinks, next, UnixFileType.SymbolicLink, 0);
                    }

                    var target = new FileInfo(next).LinkTarget ?? "";
                    Push(pending, target);
                    if (Path.IsPathRooted(target))
                    {
                        current = "/";
                    }

                    // The link's target is resolved from the folder the link is in.
                    stat = (UnixFileType.Directory, 0);
                    continue;
                default:
                    current = next;
                    continue;
            }
        }

        return IsInside(root, current)
            ? new ResolvedPath(PathOutcome.Resolved, current, stat.Type, stat.Size)
            : new ResolvedPath(PathOutcome.LeavesRepository, current, UnixFileType.Missing, 0);
    }

    /// <summary>Why <paramref name="path"/> is not the <paramref name="type"/> of the clone that <paramref name="subject"/> must be; null when it is. Never names where a link points.</summary>
    /// <param name="inputs">What must stay inside the repository, for the message ("Build inputs").</param>
    public static string? Problem(ResolvedPath path, string subject, UnixFileType type, string what, string inputs) => path.Outcome switch
    {
        PathOutcome.LeavesRepository => $"{subject} leaves the repository: it, or a link on its way, resolves outside the clone. {inputs} must stay inside the repository.",
        PathOutcome.Missing or PathOutcome.NotAFolder => $"{subject} does not exist in the repository.",
        PathOutcome.TooManyLinks => $"{subject} cannot be resolved: more than {MaxLinks} links on its way (a loop?).",
        PathOutcome.Resolved when path.Type != type => $"{subject} is not {what}.",
        PathOutcome.Resolved => null,
        _ => throw new ArgumentOutOfRangeException(nameof(path), path.Outcome, null),
    };

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or below it (both real, absolute, without a trailing slash).</summary>
    public static bool IsInside(string root, string path) =>
        root == "/" || path == root || path.StartsWith(root + "/", StringComparison.Ordinal);

    private static bool IsAncestorOf(string path, string root) =>
        path == "/" || root.StartsWith(path + "/", StringComparison.Ordinal);

    private static void Push(Stack<string> pending, string path)
    {
        var components = path.Split('/');
        for (var i = components.Length - 1; i >= 0; i--)
        {
            pending.Push(components[i]);
        }
    }
}
