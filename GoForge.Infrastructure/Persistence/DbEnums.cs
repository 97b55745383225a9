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
}
