using GoForge.Core.GitProviders;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Routing;

namespace GoForge.Infrastructure.Persistence;

/// <summary>How enums are spelled in the database: lower-case words matching the CHECK constraints.</summary>
internal static class DbEnums
{
    public static string ToDb(this UserRole role) => role switch
    {
        UserRole.Admin => "admin",
        UserRole.Member => "member",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static string ToDb(this ThemePreference theme) => theme switch
    {
        ThemePreference.System => "system",
        ThemePreference.Light => "light",
        ThemePreference.Dark => "dark",
        _ => throw new ArgumentOutOfRangeException(nameof(theme), theme, null),
    };

    public static string ToDb(this ProjectRole role) => role switch
    {
        ProjectRole.Viewer => "viewer",
        ProjectRole.Deployer => "deployer",
        ProjectRole.Maintainer => "maintainer",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static string ToDb(this RestartPolicy policy) => policy switch
    {
        RestartPolicy.UnlessStopped => "unless-stopped",
        RestartPolicy.Always => "always",
        RestartPolicy.OnFailure => "on-failure",
        RestartPolicy.No => "no",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
    };

    public static RestartPolicy ToRestartPolicy(string value) => value switch
    {
        "unless-stopped" => RestartPolicy.UnlessStopped,
        "always" => RestartPolicy.Always,
        "on-failure" => RestartPolicy.OnFailure,
        "no" => RestartPolicy.No,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown restart policy in the database."),
    };

    public static string ToDb(this WwwRedirect redirect) => redirect switch
    {
        WwwRedirect.None => "none",
        WwwRedirect.ToWww => "to-www",
        WwwRedirect.ToApex => "to-apex",
        _ => throw new ArgumentOutOfRangeException(nameof(redirect), redirect, null),
    };

    public static WwwRedirect ToWwwRedirect(string value) => value switch
    {
        "none" => WwwRedirect.None,
        "to-www" => WwwRedirect.ToWww,
        "to-apex" => WwwRedirect.ToApex,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown www redirect in the database."),
    };

    public static string ToDb(this WebhookProvider provider) => provider switch
    {
        WebhookProvider.GitHub => "github",
        WebhookProvider.GitLab => "gitlab",
        WebhookProvider.Gitea => "gitea",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    public static WebhookProvider ToWebhookProvider(string value) => value switch
    {
        "github" => WebhookProvider.GitHub,
        "gitlab" => WebhookProvider.GitLab,
        "gitea" => WebhookProvider.Gitea,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown webhook provider in the database."),
    };

    public static string ToDb(this WebhookOutcome outcome) => outcome switch
    {
        WebhookOutcome.Received => "received",
        WebhookOutcome.Deployed => "deployed",
        WebhookOutcome.Ignored => "ignored",
        WebhookOutcome.Rejected => "rejected",
        WebhookOutcome.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    public static WebhookOutcome ToWebhookOutcome(string value) => value switch
    {
        "received" => WebhookOutcome.Received,
        "deployed" => WebhookOutcome.Deployed,
        "ignored" => WebhookOutcome.Ignored,
        "rejected" => WebhookOutcome.Rejected,
        "failed" => WebhookOutcome.Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown webhook outcome in the database."),
    };

    public static string ToDb(this GitCredentialKind kind) => kind switch
    {
        GitCredentialKind.Token => "token",
        GitCredentialKind.SshKey => "ssh-key",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static GitCredentialKind ToGitCredentialKind(string value) => value switch
    {
        "token" => GitCredentialKind.Token,
        "ssh-key" => GitCredentialKind.SshKey,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown credential kind in the database."),
    };
}
