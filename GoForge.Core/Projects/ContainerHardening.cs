using System.Globalization;
using GoForge.Core.Common;

namespace GoForge.Core.Projects;

/// <summary>
/// What every container GoForge starts is held to unless its application says otherwise: a process limit (threads
/// count too: the kernel's pids controller counts tasks) and no <c>NET_RAW</c> capability, so a container can neither
/// fork-bomb the host nor forge packets (ARP, raw IP) on a bridge it shares with others (docs/deployments/container-defaults.md).
/// </summary>
public static class ContainerHardening
{
    /// <summary>The default process (task) limit: far above a web app's threads, far below a fork bomb's reach.</summary>
    public const int DefaultPidsLimit = 1024;

    /// <summary>The lowest limit accepted: a shell, its init and a few children.</summary>
    public const int MinPidsLimit = 16;

    /// <summary>The highest limit accepted (the kernel's default <c>pid_max</c>).</summary>
    public const int MaxPidsLimit = 32768;

    /// <summary>The capability dropped unless raw sockets are allowed.</summary>
    public const string NetRaw = "NET_RAW";

    public const string PidsLimitField = "PidsLimit";

    /// <summary>An empty limit means the default; anything outside the range is refused.</summary>
    public static void ValidatePidsLimit(int? pidsLimit, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (pidsLimit is { } limit && (limit < MinPidsLimit || limit > MaxPidsLimit))
        {
            errors.Add(PidsLimitField, string.Create(CultureInfo.InvariantCulture,
                $"A process limit is from {MinPidsLimit} to {MaxPidsLimit}, or empty for the default ({DefaultPidsLimit})."));
        }
    }

    /// <summary>The capabilities a container drops: <c>NET_RAW</c> unless raw sockets are allowed.</summary>
    public static IReadOnlyList<string> CapabilitiesDropped(bool allowRawSockets) => allowRawSockets ? [] : [NetRaw];
}
