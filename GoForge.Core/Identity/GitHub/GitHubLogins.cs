using System.Globalization;
using System.Text;
using GoForge.Core.Common;

namespace GoForge.Core.Identity.GitHub;

/// <summary>
/// Turns a GitHub login and name into a GoForge login and display name that pass <see cref="UserInputRules"/>. A taken
/// login gets a suffix: the new account is a new account, never merged with the one that has the name.
/// </summary>
public static class GitHubLogins
{
    /// <summary>Suffixed candidates tried after the plain login, before falling back to the GitHub id.</summary>
    public const int NumberedCandidates = 8;

    private const string Fallback = "github-user";

    /// <summary>Logins to try in order: <c>octocat</c>, <c>octocat-2</c> … <c>octocat-9</c>, then <c>octocat-{id}</c>; each valid.</summary>
    public static IReadOnlyList<string> Candidates(string? gitHubLogin, long gitHubId)
    {
        var stem = Stem(gitHubLogin);
        var candidates = new List<string> { stem };
        for (var n = 2; n < 2 + NumberedCandidates; n++)
        {
            candidates.Add(WithSuffix(stem, n.ToString(CultureInfo.InvariantCulture)));
        }

        candidates.Add(WithSuffix(stem, gitHubId.ToString(CultureInfo.InvariantCulture)));
        return candidates.Where(IsValid).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The GitHub name when it is a valid display name, else the GitHub login (cleaned the same way).</summary>
    public static string DisplayName(string? name, string login)
    {
        foreach (var candidate in new[] { name, login })
        {
            var cleaned = new string(UserInputRules.NormalizeDisplayName(candidate)
                .Where(c => !char.IsControl(c) && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.Format).ToArray()).Trim();
            if (cleaned.Length > UserInputRules.DisplayNameMaxLength)
            {
                cleaned = cleaned[..UserInputRules.DisplayNameMaxLength].TrimEnd();
            }

            var errors = new FieldErrors();
            UserInputRules.ValidateDisplayName(cleaned, errors);
            if (errors.IsEmpty)
            {
                return cleaned;
            }
        }

        return Fallback;
    }

    /// <summary>GitHub logins are ASCII letters, digits and '-'; anything else is dropped, and a too-short one padded.</summary>
    private static string Stem(string? gitHubLogin)
    {
        var builder = new StringBuilder();
        foreach (var c in UserInputRules.NormalizeLogin(gitHubLogin))
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.')
            {
                builder.Append(c);
            }
        }

        var stem = builder.ToString().Trim('-', '_', '.');
        if (stem.Length > UserInputRules.LoginMaxLength)
        {
            stem = stem[..UserInputRules.LoginMaxLength].TrimEnd('-', '_', '.');
        }

        if (stem.Length == 0)
        {
            return Fallback;
        }

        return stem.Length < UserInputRules.LoginMinLength ? $"{stem}-gh" : stem;
    }

    private static string WithSuffix(string stem, string suffix)
    {
        var room = UserInputRules.LoginMaxLength - suffix.Length - 1;
        var head = stem.Length > room ? stem[..room].TrimEnd('-', '_', '.') : stem;
        return $"{head}-{suffix}";
    }

    private static bool IsValid(string login)
    {
        var errors = new FieldErrors();
        UserInputRules.ValidateLogin(login, errors);
        return errors.IsEmpty;
    }
}
