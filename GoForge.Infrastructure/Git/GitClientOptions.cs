using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Git;

/// <summary><c>GoForge:Git</c>, what the Git client itself reads.</summary>
public sealed class GitClientOptions
{
    public const string SectionName = "GoForge:Git";

    /// <summary>
    /// A PEM file of extra root certificates trusted for https:// repositories, for a Git server behind a private CA.
    /// The system's roots are always trusted; a certificate for another name is never accepted.
    /// </summary>
    public string? TrustedCertificatesFile { get; set; }

    internal X509Certificate2Collection LoadTrustedCertificates()
    {
        var certificates = new X509Certificate2Collection();
        if (!string.IsNullOrWhiteSpace(TrustedCertificatesFile))
        {
            certificates.ImportFromPemFile(TrustedCertificatesFile);
        }

        return certificates;
    }
}

internal sealed class GitClientOptionsValidator : IValidateOptions<GitClientOptions>
{
    public ValidateOptionsResult Validate(string? name, GitClientOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.TrustedCertificatesFile))
        {
            return ValidateOptionsResult.Success;
        }

        try
        {
            return options.LoadTrustedCertificates().Count > 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"GoForge:Git:TrustedCertificatesFile ({options.TrustedCertificatesFile}) holds no PEM certificate.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            return ValidateOptionsResult.Fail($"GoForge:Git:TrustedCertificatesFile ({options.TrustedCertificatesFile}) cannot be read: {e.Message}");
        }
    }
}
