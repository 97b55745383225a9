using System.Text.RegularExpressions;
using GoForge.Core.Common;

namespace GoForge.Core.Projects;

/// <summary>
/// An application's build target: the name of a Dockerfile stage (<c>FROM … AS name</c>), passed to the builder as
/// <c>--target</c>. Letters, digits, <c>_</c>, <c>.</c> and <c>-</c>, starting with a letter or digit, at most 63
/// characters: nothing a command line or a Dockerfile could read as anything but a stage name.
/// </summary>
public static partial class BuildTargetRules
{
    public const int MaxLength = 63;

    public static void Validate(string? target, FieldErrors errors, string field = "BuildTarget")
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(target))
        {
            return;
        }

        if (!StageName().IsMatch(target.Trim()))
        {
            errors.Add(field, $"A build target is a Dockerfile stage name: letters, digits, '_', '.' and '-', starting with a letter or digit, at most {MaxLength} characters.");
        }
    }

    /// <summary>Empty means none (the last stage); otherwise the trimmed name.</summary>
    public static string? Normalize(string? target) => string.IsNullOrWhiteSpace(target) ? null : target.Trim();

    // \z, not $: a trailing newline must not pass.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex StageName();
}
