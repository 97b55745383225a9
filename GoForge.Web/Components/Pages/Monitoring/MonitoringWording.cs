using System.Globalization;
using GoForge.Core.Monitoring;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Monitoring;

/// <summary>How the runtime card and the logs tab put a container's state and figures into words.</summary>
public static class MonitoringWording
{
    private static readonly string[] ByteUnits = ["B", "KB", "MB", "GB", "TB"];

    /// <summary>The chip's text: "Running", "Exited with code 137", "Not deployed", …</summary>
    public static string StateLabel(ContainerSnapshot? container) => container switch
    {
        null or { State: ContainerRunState.Removed } => "Not deployed",
        { State: ContainerRunState.Running, Health: ContainerHealthState.Unhealthy } => "Unhealthy",
        { State: ContainerRunState.Running, Health: ContainerHealthState.Starting } => "Starting",
        { State: ContainerRunState.Running } => "Running",
        { State: ContainerRunState.Restarting } => "Restarting",
        { State: ContainerRunState.Exited } c => $"Exited with code {c.ExitCode}",
        { State: ContainerRunState.Dead } c => $"Dead (exit code {c.ExitCode})",
        { State: ContainerRunState.Created } => "Created",
        { State: ContainerRunState.Paused } => "Paused",
        { State: ContainerRunState.Removing } => "Removing",
        { } other => other.State.ToString(),
    };

    public static Color StateColor(ContainerSnapshot? container) => container switch
    {
        null or { State: ContainerRunState.Removed } => Color.Default,
        { IsUnhealthy: true } => Color.Error,
        { State: ContainerRunState.Running, Health: ContainerHealthState.Starting } => Color.Info,
        { State: ContainerRunState.Running } => Color.Success,
        { State: ContainerRunState.Created or ContainerRunState.Removing } => Color.Info,
        _ => Color.Default,
    };

    /// <summary>How long the container has run ("3 d 4 h", "12 min 5 s"); a dash when it is not running.</summary>
    public static string Uptime(ContainerSnapshot? container, DateTimeOffset now)
    {
        if (container is not { IsRunning: true, StartedAt: { } started })
        {
            return "—";
        }

        var up = now - started;
        if (up < TimeSpan.Zero)
        {
            up = TimeSpan.Zero;
        }

        return up switch
        {
            { TotalDays: >= 1 } => $"{(int)up.TotalDays} d {up.Hours} h",
            { TotalHours: >= 1 } => $"{up.Hours} h {up.Minutes} min",
            { TotalMinutes: >= 1 } => $"{up.Minutes} min {up.Seconds} s",
            _ => $"{up.Seconds} s",
        };
    }

    /// <summary>"512 B", "1.5 KB", "120 MB" (powers of 1024, as <c>docker stats</c>).</summary>
    public static string Bytes(double bytes)
    {
        var unit = 0;
        while (Math.Abs(bytes) >= 1024 && unit < ByteUnits.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }

        var format = unit == 0 || bytes >= 100 ? "0" : "0.#";
        return $"{bytes.ToString(format, CultureInfo.InvariantCulture)} {ByteUnits[unit]}";
    }

    public static string Rate(double bytesPerSecond) => $"{Bytes(bytesPerSecond)}/s";

    public static string Percent(double percent) => $"{percent.ToString("0.0", CultureInfo.InvariantCulture)} %";

    /// <summary>"120 MB / 512 MB (23 %)".</summary>
    public static string Memory(ContainerStatsSample sample) =>
        $"{Bytes(sample.MemoryUsedBytes)} / {Bytes(sample.MemoryLimitBytes)} ({sample.MemoryPercent.ToString("0", CultureInfo.InvariantCulture)} %)";

    /// <summary>The CSS classes of a log line: GoForge's notices and standard error stand out.</summary>
    public static string LogLineClass(WorkloadLogEntry entry) => entry switch
    {
        { Notice: true } => "gf-log-line gf-log-notice",
        { Stream: LogOutput.Stderr } => "gf-log-line gf-log-stderr",
        _ => "gf-log-line",
    };

    /// <summary>A log line's time as the view shows it (UTC, to the millisecond).</summary>
    public static string LogTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
}
