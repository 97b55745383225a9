using System.Text.RegularExpressions;
using GoForge.Core.Common;

namespace GoForge.Core.Volumes;

/// <summary>
/// The one check of a mount's name and paths, made in Core for every way in (UI, API). Paths are refused rather than
/// repaired when they could mean two things; only a trailing slash and repeated slashes are normalised away.
/// </summary>
public static partial class AppVolumeRules
{
    public const int MaxNameLength = 32;
    public const int MaxPathLength = 255;
    public const int MaxVolumesPerApplication = 20;

    /// <summary>Container paths no volume may cover: the kernel's and the engine's own mounts.</summary>
    private static readonly string[] ReservedMountPaths = ["/proc", "/sys", "/dev"];

    /// <summary>
    /// Host folders never bind-mounted, nor anything under them: the root, the kernel's, the system's and the engine's
    /// (its sockets live under /run and /var/run, its data under /var/lib/docker and /var/lib/containerd), and root's home.
    /// </summary>
    public static readonly IReadOnlyList<string> DeniedHostPaths =
    [
        "/proc", "/sys", "/dev", "/etc", "/boot", "/root", "/run", "/var/run", "/var/lib/docker", "/var/lib/containerd",
        "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
    ];

    public static void ValidateName(string? name, FieldErrors errors, string field = nameof(AppVolumeInput.Name))
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(field, "Enter a name.");
        }
        else if (name.Length > MaxNameLength || !NamePattern().IsMatch(name))
        {
            errors.Add(field, $"Use 1 to {MaxNameLength} lower-case letters, digits and hyphens, starting and ending with a letter or digit.");
        }
    }

    /// <summary>The normalised container path, or null with the reason added to <paramref name="errors"/>.</summary>
    public static string? NormalizeMountPath(string? path, FieldErrors errors, string field = nameof(AppVolumeInput.MountPath))
    {
        ArgumentNullException.ThrowIfNull(errors);
        var normalized = NormalizePath(path, errors, field, "mount path");
        if (normalized is null)
        {
            return null;
        }

        if (normalized == "/")
        {
            errors.Add(field, "A volume cannot be mounted on / (it would hide the image).");
            return null;
        }

        if (ReservedMountPaths.FirstOrDefault(r => IsSameOrUnder(normalized, r)) is { } reserved)
        {
            errors.Add(field, $"{reserved} belongs to the kernel and the engine; choose another mount path.");
            return null;
        }

        return normalized;
    }

    /// <summary>
    /// The normalised host folder of a bind mount, or null with the reason: not <see cref="DeniedHostPaths"/>, not the
    /// Docker socket, not GoForge's own folders (<paramref name="protectedFolders"/>) nor a folder holding them.
    /// </summary>
    public static string? NormalizeHostPath(string? path, IEnumerable<string> protectedFolders, FieldErrors errors, string field = nameof(AppVolumeInput.HostPath))
    {
        ArgumentNullException.ThrowIfNull(protectedFolders);
        ArgumentNullException.ThrowIfNull(errors);
        var normalized = NormalizePath(path, errors, field, "host path");
        if (normalized is null)
        {
            return null;
        }

        if (normalized == "/")
        {
            errors.Add(field, "The host's root folder cannot be mounted.");
            return null;
        }

        if (DeniedHostPaths.FirstOrDefault(d => IsSameOrUnder(normalized, d)) is { } denied)
        {
            errors.Add(field, $"Folders under {denied} are the system's or the engine's and cannot be mounted.");
            return null;
        }

        if (normalized.EndsWith("/docker.sock", StringComparison.Ordinal) || normalized.EndsWith(".sock", StringComparison.Ordinal))
        {
            errors.Add(field, "A socket (the Docker socket above all) cannot be mounted: it would hand the engine to the application.");
            return null;
        }

        foreach (var own in protectedFolders.Select(p => Path.TrimEndingDirectorySeparator(p)).Where(p => p.Length > 0))
        {
            // GoForge's folder, anything under it, or a folder holding it would give the application GoForge's keys and work.
            if (IsSameOrUnder(normalized, own) || IsSameOrUnder(own, normalized))
            {
                errors.Add(field, "This folder holds GoForge's own data (its keys or work folder) and cannot be mounted.");
                return null;
            }
        }

        return normalized;
    }

    /// <summary>Adds an error when <paramref name="mountPath"/> equals or nests with a mount path the application has.</summary>
    public static void CheckNoOverlap(string mountPath, IEnumerable<string> existing, FieldErrors errors, string field = nameof(AppVolumeInput.MountPath))
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var other in existing)
        {
            if (string.Equals(other, mountPath, StringComparison.Ordinal))
            {
                errors.Add(field, $"The application already mounts a volume at {other}.");
                return;
            }

            if (IsSameOrUnder(mountPath, other) || IsSameOrUnder(other, mountPath))
            {
                errors.Add(field, $"{mountPath} and {other} would nest; mount volumes at separate paths.");
                return;
            }
        }
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or inside it (whole segments only).</summary>
    public static bool IsSameOrUnder(string path, string folder)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(folder);
        return folder == "/" || string.Equals(path, folder, StringComparison.Ordinal)
            || (path.StartsWith(folder, StringComparison.Ordinal) && path.Length > folder.Length && path[folder.Length] == '/');
    }

    private static string? NormalizePath(string? path, FieldErrors errors, string field, string what)
    {
        if (string.IsNullOrEmpty(path))
        {
            errors.Add(field, $"Enter a {what}.");
            return null;
        }

        if (path.Length > MaxPathLength)
        {
            errors.Add(field, $"A {what} has at most {MaxPathLength} characters.");
            return null;
        }

        if (!path.StartsWith('/'))
        {
            errors.Add(field, $"A {what} is absolute: it starts with /.");
            return null;
        }

        // Letters, digits and - _ . @ + only: no spaces, quotes, shell or mount-syntax characters (: ,), control
        // characters (NUL) or non-ASCII look-alikes.
        if (!PathPattern().IsMatch(path))
        {
            errors.Add(field, $"A {what} may hold only letters, digits, '/', '-', '_', '.', '@' and '+'.");
            return null;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(s => s is "." or ".."))
        {
            errors.Add(field, $"A {what} may not contain '.' or '..' segments.");
            return null;
        }

        return "/" + string.Join('/', segments);
    }

    [GeneratedRegex(@"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9/_.@+-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex PathPattern();
}
