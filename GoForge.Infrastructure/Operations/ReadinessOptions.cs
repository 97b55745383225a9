using System.ComponentModel.DataAnnotations;

namespace GoForge.Infrastructure.Operations;

/// <summary>How long each readiness check may take (section <c>GoForge:Readiness</c>).</summary>
public sealed class ReadinessOptions
{
    public const string SectionName = "GoForge:Readiness";

    /// <summary>
    /// Longest the PostgreSQL check (open a connection, <c>SELECT 1</c>) and the Docker check (engine ping) may each
    /// take before they report unhealthy. Short, so a hung server makes <c>/readyz</c> answer 503 rather than hang
    /// the orchestrator's probe. Default 3 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);
}
