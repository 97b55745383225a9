using GoForge.Core.Identity;

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
}
