namespace GoForge.Core.Previews;

/// <summary>The audit actions of preview deployments, targeted <c>application:&lt;slug&gt;</c> with the pull request in the detail.</summary>
public static class PreviewAuditActions
{
    public const string SettingsUpdated = "preview.settings_updated";
    public const string Approved = "preview.approved";
    public const string Queued = "preview.queued";
    public const string TornDown = "preview.torn_down";
    public const string Deleted = "preview.deleted";
    public const string VariableMarked = "preview.variable_marked";
}
