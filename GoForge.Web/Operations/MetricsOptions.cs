using Microsoft.Extensions.Options;

namespace GoForge.Web.Operations;

/// <summary>Who may read <c>/metrics</c> (section <c>GoForge:Metrics</c>).</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "GoForge:Metrics";

    /// <summary>Shortest token accepted: guessing one must be hopeless (e.g. <c>openssl rand -hex 32</c> gives 64 characters).</summary>
    public const int MinimumTokenLength = 32;

    /// <summary>
    /// A bearer token that lets a scraper from any address read <c>/metrics</c>
    /// (<c>Authorization: Bearer &lt;token&gt;</c>). Null or empty (default): only loopback callers may read it.
    /// </summary>
    public string? Token { get; set; }
}

internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        if (options.Token is not { Length: > 0 } token)
        {
            return ValidateOptionsResult.Success;
        }

        return token.Length < MetricsOptions.MinimumTokenLength || token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            ? ValidateOptionsResult.Fail(
                $"{MetricsOptions.SectionName}:{nameof(MetricsOptions.Token)} must be at least {MetricsOptions.MinimumTokenLength} characters without spaces (e.g. the output of `openssl rand -hex 32`), or unset to allow loopback callers only.")
            : ValidateOptionsResult.Success;
    }
}
