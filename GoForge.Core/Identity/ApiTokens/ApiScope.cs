namespace GoForge.Core.Identity.ApiTokens;

/// <summary>What an API token may do. A token holds any combination; each endpoint needs one (docs/api.md#scopes).</summary>
[Flags]
public enum ApiScope
{
    None = 0,

    /// <summary>Every GET: projects, environments, applications, variables (secrets masked).</summary>
    Read = 1,

    /// <summary>Trigger, cancel and roll back deployments.</summary>
    Deploy = 2,

    /// <summary>Create, change and delete projects, environments, applications and variables.</summary>
    Write = 4,

    /// <summary>See secret variable values unmasked (the project role must allow revealing too).</summary>
    Secrets = 8,

    /// <summary>User administration, and an administrator's reach over every project; only for administrators.</summary>
    Admin = 16,
}

/// <summary>Scope names as tokens, the API and the database spell them: lower-case words.</summary>
public static class ApiScopes
{
    public static readonly IReadOnlyList<ApiScope> All = [ApiScope.Read, ApiScope.Deploy, ApiScope.Write, ApiScope.Secrets, ApiScope.Admin];

    public static string Name(this ApiScope scope) => scope switch
    {
        ApiScope.Read => "read",
        ApiScope.Deploy => "deploy",
        ApiScope.Write => "write",
        ApiScope.Secrets => "secrets",
        ApiScope.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "Not a single scope."),
    };

    /// <summary>The single scopes a combination holds, in <see cref="All"/>'s order.</summary>
    public static IReadOnlyList<ApiScope> Split(this ApiScope scopes) => All.Where(s => scopes.HasFlag(s)).ToList();

    public static IReadOnlyList<string> Names(this ApiScope scopes) => scopes.Split().Select(Name).ToList();

    /// <summary>The combination of these names; false when one is not a known scope.</summary>
    public static bool TryParse(IEnumerable<string> names, out ApiScope scopes)
    {
        scopes = ApiScope.None;
        foreach (var name in names)
        {
            var scope = All.FirstOrDefault(s => string.Equals(s.Name(), name, StringComparison.Ordinal));
            if (scope == ApiScope.None)
            {
                return false;
            }

            scopes |= scope;
        }

        return true;
    }

    /// <summary>True when <paramref name="scopes"/> only holds known single scopes.</summary>
    public static bool AreKnown(this ApiScope scopes) => (scopes & ~All.Aggregate(ApiScope.None, (a, s) => a | s)) == ApiScope.None;
}
