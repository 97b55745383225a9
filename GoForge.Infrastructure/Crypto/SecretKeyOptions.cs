using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Crypto;

/// <summary>
/// Where the master key for stored secrets comes from (section <c>GoForge</c>). With <see cref="SecretKey"/> set,
/// the keys come from configuration; otherwise from the key file <c>&lt;DataPath&gt;/secret-keys</c>, created on
/// first start. See docs/decisions/secrets.md.
/// </summary>
public sealed class SecretKeyOptions
{
    public const string SectionName = "GoForge";

    /// <summary>The folder the panel also uses for its own files; the web's <c>GoForge:DataPath</c> default.</summary>
    public static string DefaultDataPath => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".goforge");

    /// <summary>Base64 of exactly 32 random bytes (<c>openssl rand -base64 32</c>). Unset (or blank): the key file is used.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Earlier keys, each base64 of 32 bytes: they only decrypt, until a rotation has moved every value off them.</summary>
    [SuppressMessage("Performance", "CA1819", Justification = "A configuration-bound list; the binder fills arrays.")]
    public string[] RetiredSecretKeys { get; set; } = [];

    /// <summary>Folder holding the key file when no <see cref="SecretKey"/> is configured. Default <c>~/.goforge</c>.</summary>
    public string DataPath { get; set; } = DefaultDataPath;

    internal bool HasConfiguredKey => !string.IsNullOrWhiteSpace(SecretKey);
}

/// <summary>Names the setting at fault and never echoes a key.</summary>
internal sealed class SecretKeyOptionsValidator : IValidateOptions<SecretKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, SecretKeyOptions options)
    {
        var failures = new List<string>();
        if (options.HasConfiguredKey && !SecretKey.TryParse(options.SecretKey!, out _, out var problem))
        {
            failures.Add($"{SecretKeyOptions.SectionName}:{nameof(SecretKeyOptions.SecretKey)} {problem}");
        }

        for (var i = 0; i < options.RetiredSecretKeys.Length; i++)
        {
            if (!SecretKey.TryParse(options.RetiredSecretKeys[i] ?? string.Empty, out _, out var retiredProblem))
            {
                failures.Add($"{SecretKeyOptions.SectionName}:{nameof(SecretKeyOptions.RetiredSecretKeys)}:{i} {retiredProblem}");
            }
        }

        if (!options.HasConfiguredKey && options.RetiredSecretKeys.Length > 0)
        {
            failures.Add(
                $"{SecretKeyOptions.SectionName}:{nameof(SecretKeyOptions.RetiredSecretKeys)} is set but {SecretKeyOptions.SectionName}:{nameof(SecretKeyOptions.SecretKey)} is not: " +
                "retired keys from configuration need a current key from configuration.");
        }

        if (!options.HasConfiguredKey && (string.IsNullOrWhiteSpace(options.DataPath) || !Path.IsPathFullyQualified(options.DataPath)))
        {
            failures.Add($"{SecretKeyOptions.SectionName}:{nameof(SecretKeyOptions.DataPath)} must be an absolute folder path (it holds the secret key file).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
