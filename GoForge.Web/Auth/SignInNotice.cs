using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace GoForge.Web.Auth;

/// <summary>A message for the page a GitHub sign-in or link returns to; an error or a confirmation.</summary>
public sealed record Notice(bool IsError, string Message);

/// <summary>
/// Carries a message across a redirect in the query string (<c>?github=…</c>), encrypted and valid for ten minutes,
/// so nobody can craft a sign-in link that shows their own text on GoForge's page.
/// </summary>
public sealed class SignInNotice(IDataProtectionProvider dataProtection)
{
    public const string QueryName = "github";

    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly ITimeLimitedDataProtector _protector =
        dataProtection.CreateProtector("GoForge.Web.Auth.SignInNotice.v1").ToTimeLimitedDataProtector();

    /// <summary><paramref name="path"/> with the message attached.</summary>
    public string Url(string path, bool isError, string message) =>
        $"{path}?{QueryName}={Uri.EscapeDataString(_protector.Protect((isError ? "e:" : "s:") + message, Lifetime))}";

    /// <summary>The message, or null when the value is missing, altered or too old.</summary>
    public Notice? Read(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 4096)
        {
            return null;
        }

        try
        {
            var text = _protector.Unprotect(value);
            return text.Length < 2 ? null : new Notice(text[0] == 'e', text[2..]);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
