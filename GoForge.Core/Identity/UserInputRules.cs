using System.Globalization;
using System.Text.RegularExpressions;
using GoForge.Core.Common;

namespace GoForge.Core.Identity;

/// <summary>
/// The one place that decides what a login, display name and password may be. Every entry point
/// (setup, sign-in, user administration, the API and the CLI) goes through these checks.
/// </summary>
public static partial class UserInputRules
{
    public const int LoginMinLength = 3;
    public const int LoginMaxLength = 64;
    public const int DisplayNameMaxLength = 100;
    public const int PasswordMinLength = 12;

    /// <summary>Bounds the work a single hash does; far above any real pass phrase.</summary>
    public const int PasswordMaxLength = 256;

    public static string NormalizeLogin(string? login) => (login ?? string.Empty).Trim().ToLowerInvariant();

    public static void ValidateLogin(string? login, FieldErrors errors, string field = "Login")
    {
        var normalized = NormalizeLogin(login);
        if (normalized.Length == 0)
        {
            errors.Add(field, "Enter a login.");
        }
        else if (normalized.Length < LoginMinLength || normalized.Length > LoginMaxLength)
        {
            errors.Add(field, $"A login has {LoginMinLength} to {LoginMaxLength} characters.");
        }
        else if (!LoginPattern().IsMatch(normalized))
        {
            errors.Add(field, "A login uses only letters a-z, digits, '.', '_' and '-', and starts and ends with a letter or digit.");
        }
    }

    public static string NormalizeDisplayName(string? displayName) => (displayName ?? string.Empty).Trim();

    public static void ValidateDisplayName(string? displayName, FieldErrors errors, string field = "DisplayName")
    {
        var normalized = NormalizeDisplayName(displayName);
        if (normalized.Length == 0)
        {
            errors.Add(field, "Enter a display name.");
        }
        else if (normalized.Length > DisplayNameMaxLength)
        {
            errors.Add(field, $"A display name has at most {DisplayNameMaxLength} characters.");
        }
        else if (normalized.Any(IsForbiddenInName))
        {
            errors.Add(field, "A display name cannot contain control or text-direction characters.");
        }
    }

    public static void ValidateNewPassword(string? password, FieldErrors errors, string field = "Password")
    {
        if (string.IsNullOrEmpty(password))
        {
            errors.Add(field, "Enter a password.");
        }
        else if (password.Length < PasswordMinLength)
        {
            errors.Add(field, $"A password has at least {PasswordMinLength} characters.");
        }
        else if (password.Length > PasswordMaxLength)
        {
            errors.Add(field, $"A password has at most {PasswordMaxLength} characters.");
        }
        else if (string.IsNullOrWhiteSpace(password))
        {
            errors.Add(field, "A password cannot be only spaces.");
        }
    }

    /// <summary>The checks for a new account: login, display name and password together.</summary>
    public static FieldErrors ValidateNewAccount(string? login, string? displayName, string? password)
    {
        var errors = new FieldErrors();
        ValidateLogin(login, errors);
        ValidateDisplayName(displayName, errors);
        ValidateNewPassword(password, errors);
        return errors;
    }

    private static bool IsForbiddenInName(char c) =>
        char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex LoginPattern();
}
