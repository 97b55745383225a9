using System.Globalization;
using GoForge.Core.Backups;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Backups;

/// <summary>How runs read in the history.</summary>
internal static class BackupWording
{
    public static string What(BackupRun run) =>
        (run.Kind == BackupRunKind.Restore ? "Restore" : "Backup") + (run.Trigger == BackupTrigger.Scheduled ? " (scheduled)" : " (manual)");

    public static string StateOf(BackupRun run) => run.State switch
    {
        BackupRunState.Succeeded when run.PrunedAt is not null => "succeeded · pruned",
        BackupRunState.Succeeded when run.Verified == false => "restored · counts differ",
        BackupRunState.Succeeded when run.Verified == true => "restored · verified",
        _ => run.State.ToString().ToLowerInvariant(),
    };

    public static Color ColorOf(BackupRun run) => run.State switch
    {
        BackupRunState.Succeeded when run.Verified == false => Color.Warning,
        BackupRunState.Succeeded => Color.Success,
        BackupRunState.Failed => Color.Error,
        BackupRunState.Running or BackupRunState.Queued => Color.Info,
        _ => Color.Default,
    };

    public static string Size(long? bytes) => bytes switch
    {
        null => "—",
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.CurrentCulture, $"{bytes / 1024.0:0.#} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.CurrentCulture, $"{bytes / (1024.0 * 1024):0.#} MiB"),
        _ => string.Create(CultureInfo.CurrentCulture, $"{bytes / (1024.0 * 1024 * 1024):0.##} GiB"),
    };

    public static string Duration(TimeSpan? duration) => duration switch
    {
        null => "—",
        { TotalSeconds: < 60 } d => string.Create(CultureInfo.CurrentCulture, $"{d.TotalSeconds:0.#} s"),
        { TotalMinutes: < 60 } d => $"{(int)d.TotalMinutes} min {d.Seconds} s",
        var d => $"{(int)d.Value.TotalHours} h {d.Value.Minutes} min",
    };
}
