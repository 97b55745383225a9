using Microsoft.Extensions.Options;

namespace GoForge.Web.Endpoints.Api;

/// <summary>Limits of the REST API (section <c>GoForge:Api</c>); validated on start.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "GoForge:Api";

    public const int MaxRequestsPerMinute = 1_000_000;
    public const long MinBodyBytes = 1024;
    public const long MaxBodyBytes = 64L * 1024 * 1024;

    /// <summary>Requests one token may make per minute; the next one gets 429 with Retry-After. Default 600.</summary>
    public int RequestsPerMinutePerToken { get; set; } = 600;

    /// <summary>The largest request body /api accepts, in bytes; a larger one gets 413. Default 1 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}

/// <summary>Every wrong API setting at once, each named by its configuration key.</summary>
internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var failures = new List<string>();
        if (options.RequestsPerMinutePerToken is < 1 or > ApiOptions.MaxRequestsPerMinute)
        {
            failures.Add($"{ApiOptions.SectionName}:{nameof(ApiOptions.RequestsPerMinutePerToken)} must be between 1 and {ApiOptions.MaxRequestsPerMinute}.");
        }

        if (options.MaxRequestBodyBytes is < ApiOptions.MinBodyBytes or > ApiOptions.MaxBodyBytes)
        {
            failures.Add($"{ApiOptions.SectionName}:{nameof(ApiOptions.MaxRequestBodyBytes)} must be between {ApiOptions.MinBodyBytes} and {ApiOptions.MaxBodyBytes} bytes.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
