using System.ComponentModel.DataAnnotations;

namespace GoForge.Web.Endpoints.Api;

/// <summary>Limits of the REST API (section <c>GoForge:Api</c>); validated on start.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "GoForge:Api";

    /// <summary>Requests one token may make per minute; the next one gets 429 with Retry-After. Default 600.</summary>
    [Range(1, 1_000_000)]
    public int RequestsPerMinutePerToken { get; set; } = 600;

    /// <summary>The largest request body /api accepts, in bytes; a larger one gets 413. Default 1 MiB.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
