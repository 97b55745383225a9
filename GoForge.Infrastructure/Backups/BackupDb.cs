using System.Text.Json;
using GoForge.Core.Backups;

namespace GoForge.Infrastructure.Backups;

/// <summary>The backups' enum spellings in the database (the CHECK constraints of migration 0024).</summary>
internal static class BackupDb
{
    public static string TargetKindToDb(BackupTargetKind kind) => kind == BackupTargetKind.Service ? "service" : "panel";

    public static BackupTargetKind TargetKindFromDb(string kind) => kind switch
    {
        "service" => BackupTargetKind.Service,
        "panel" => BackupTargetKind.PanelDatabase,
        _ => throw new InvalidOperationException($"Unknown backup target kind '{kind}' in the database."),
    };

    public static string StateToDb(BackupRunState state) => state switch
    {
        BackupRunState.Queued => "queued",
        BackupRunState.Running => "running",
        BackupRunState.Succeeded => "succeeded",
        BackupRunState.Failed => "failed",
        BackupRunState.Canceled => "canceled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static BackupRunState StateFromDb(string state) => state switch
    {
        "queued" => BackupRunState.Queued,
        "running" => BackupRunState.Running,
        "succeeded" => BackupRunState.Succeeded,
        "failed" => BackupRunState.Failed,
        "canceled" => BackupRunState.Canceled,
        _ => throw new InvalidOperationException($"Unknown backup run state '{state}' in the database."),
    };

    public static string? FingerprintToDb(BackupFingerprint? fingerprint) =>
        fingerprint is null ? null : JsonSerializer.Serialize(fingerprint.Counts);

    public static BackupFingerprint? FingerprintFromDb(string? json) =>
        json is null ? null : new BackupFingerprint(JsonSerializer.Deserialize<Dictionary<string, long>>(json) ?? []);

    public static string Bounded(string text, int max = 2000) => text.Length > max ? text[..max] : text;
}
