using Microsoft.Extensions.Options;

namespace GoForge.Core.Reconciliation;

/// <summary>How often the reconciler compares the engine and the proxy with the database (section <c>GoForge:Reconciler</c>).</summary>
public sealed class ReconcilerOptions
{
    public const string SectionName = "GoForge:Reconciler";

    /// <summary>The time between two periodic passes; a pass also runs at start-up and after the engine's connection comes back.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(3);
}

internal sealed class ReconcilerOptionsValidator : IValidateOptions<ReconcilerOptions>
{
    private static readonly TimeSpan Shortest = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Longest = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, ReconcilerOptions options) =>
        options.Interval < Shortest || options.Interval > Longest
            ? ValidateOptionsResult.Fail($"{ReconcilerOptions.SectionName}:{nameof(ReconcilerOptions.Interval)} must be between 00:00:10 and 1.00:00:00 (it is {options.Interval}).")
            : ValidateOptionsResult.Success;
}
