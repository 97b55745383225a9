using System.Globalization;
using GoForge.Core.Common;

namespace GoForge.Core.Identity.ApiTokens;

/// <summary>What a new token may be: its name, its scopes and its expiry. The project is checked by the service.</summary>
public static class ApiTokenRules
{
    public const int NameMaxLength = 60;

    /// <summary>Active (not revoked, not expired) tokens one user may hold.</summary>
    public const int MaxActivePerUser = 50;

    public static string NormalizeName(string? name) => (name ?? string.Empty).Trim();

    public static void Validate(ApiTokenInput input, User owner, DateTimeOffset now, FieldErrors errors)
    {
        var name = NormalizeName(input.Name);
        if (name.Length == 0)
        {
            errors.Add(nameof(ApiTokenInput.Name), "Enter a name that says where the token is used, e.g. 'CI deploys'.");
        }
        else if (name.Length > NameMaxLength)
        {
            errors.Add(nameof(ApiTokenInput.Name), $"A token name has at most {NameMaxLength} characters.");
        }
        else if (name.Any(c => char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format))
        {
            errors.Add(nameof(ApiTokenInput.Name), "A token name cannot contain control or text-direction characters.");
        }

        if (input.Scopes == ApiScope.None)
        {
            errors.Add(nameof(ApiTokenInput.Scopes), "Choose at least one scope.");
        }
        else if (!input.Scopes.AreKnown())
        {
            errors.Add(nameof(ApiTokenInput.Scopes), "Choose scopes from read, deploy, write, secrets and admin.");
        }
        else if (input.Scopes.HasFlag(ApiScope.Admin) && owner.Role != UserRole.Admin)
        {
            errors.Add(nameof(ApiTokenInput.Scopes), "Only administrators can create tokens with the admin scope.");
        }
        else if (input.Scopes.HasFlag(ApiScope.Admin) && input.ProjectId is not null)
        {
            errors.Add(nameof(ApiTokenInput.Scopes), "The admin scope reaches all of GoForge, so it cannot be restricted to one project.");
        }

        if (input.ExpiresAt is { } expires && expires <= now)
        {
            errors.Add(nameof(ApiTokenInput.ExpiresAt), "Choose an expiry in the future, or none.");
        }
    }

    /// <summary>
    /// What a token may make when it creates another (the API's <c>POST /me/tokens</c>): nothing beyond itself, so a
    /// leaked narrow token cannot mint a wider one. No scope the creating token lacks, no expiry later than its own,
    /// and a project-restricted token makes none (the service refuses that too).
    /// </summary>
    public static Result ValidateDelegation(ApiToken creator, ApiTokenInput input)
    {
        ArgumentNullException.ThrowIfNull(creator);
        ArgumentNullException.ThrowIfNull(input);
        if (creator.ProjectId is not null)
        {
            return Error.Forbidden("A project-restricted token cannot create tokens.");
        }

        var errors = new FieldErrors();
        if ((input.Scopes & ~creator.Scopes) is var extra and not ApiScope.None)
        {
            errors.Add(nameof(ApiTokenInput.Scopes), $"This token cannot give scopes it does not hold: {string.Join(", ", extra.Names())}.");
        }

        if (creator.ExpiresAt is { } end && (input.ExpiresAt is not { } wanted || wanted > end))
        {
            errors.Add(nameof(ApiTokenInput.ExpiresAt), $"A token made by this one expires at {end:O} at the latest.");
        }

        return errors.IsEmpty ? Result.Success : (Result)errors.ToError();
    }
}
