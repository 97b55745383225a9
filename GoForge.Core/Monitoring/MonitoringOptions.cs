using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Monitoring;

/// <summary>Section <c>GoForge:Monitoring</c>: how much is watched and kept.</summary>
public sealed class MonitoringOptions
{
    public const string SectionName = "GoForge:Monitoring";

    /// <summary>
    /// True (default): every running GoForge container's stats stream is open, so its charts have history when a
    /// page opens. False: a stream opens when the first viewer subscribes and closes with the last.
    /// </summary>
    public bool AlwaysCollect { get; set; } = true;

    /// <summary>Points kept per container (one a second): 900 = the last 15 minutes.</summary>
    [Range(10, 86_400)]
    public int HistoryPoints { get; set; } = 900;

    /// <summary>How long a stream without viewers stays open (a page reload reuses it).</summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait between reconnects to an engine that went away (the back-off doubles from 0.5 s up to this).</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Log lines a viewer gets when it opens the logs (before following).</summary>
    [Range(0, 10_000)]
    public int LogTail { get; set; } = 200;
}

internal sealed class MonitoringOptionsValidator : IValidateOptions<MonitoringOptions>
{
    public ValidateOptionsResult Validate(string? name, MonitoringOptions options)
    {
        var failures = new List<string>();
        if (options.Linger < TimeSpan.Zero || options.Linger > TimeSpan.FromHours(1))
        {
            failures.Add($"{MonitoringOptions.SectionName}:{nameof(MonitoringOptions.Linger)} must be between 00:00:00 and 01:00:00.");
        }

        if (options.MaxReconnectDelay < TimeSpan.FromSeconds(1) || options.MaxReconnectDelay > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{MonitoringOptions.SectionName}:{nameof(MonitoringOptions.MaxReconnectDelay)} must be between 00:00:01 and 00:10:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
