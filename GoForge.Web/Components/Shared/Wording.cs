namespace GoForge.Web.Components.Shared;

/// <summary>Small phrases the pages share, so counts and roles read the same everywhere.</summary>
public static class Wording
{
    /// <summary>"1 environment", "3 environments".</summary>
    public static string Count(int count, string singular, string? plural = null) =>
        $"{count} {(count == 1 ? singular : plural ?? singular + "s")}";

    public static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}
