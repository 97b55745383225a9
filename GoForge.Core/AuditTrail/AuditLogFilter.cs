using System.Text.RegularExpressions;
using GoForge.Core.Common;
using GoForge.Core.Identity;

namespace GoForge.Core.AuditTrail;

/// <summary>
/// What a person asks the audit log for (the page's filter bar, the API's query string): every filter is optional
/// and they are ANDed. Raw as typed; <see cref="AuditLogFilterRules"/> checks and normalises it.
/// </summary>
public sealed record AuditLogFilter
{
    /// <summary>The acting account's login.</summary>
    public string? Actor { get; init; }

    public Guid? ProjectId { get; init; }

    /// <summary>An exact action (<c>user.signed_in</c>) or, ending with a dot, a prefix (<c>user.</c>).</summary>
    public string? Action { get; init; }

    /// <summary>Events at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Events before this time.</summary>
    public DateTimeOffset? To { get; init; }

    public static AuditLogFilter None { get; } = new();
}

/// <summary>A filter after its checks: the login normalised, the action split into exact or prefix.</summary>
public sealed record CheckedAuditLogFilter(string? Login, Guid? ProjectId, string? Action, string? ActionPrefix, DateTimeOffset? From, DateTimeOffset? To);

/// <summary>The filter's rules: hostile text (huge, unicode, option- or formula-looking) is refused, never passed on.</summary>
public static partial class AuditLogFilterRules
{
    public const int ActionMaxLength = 100;

    public static Result<CheckedAuditLogFilter> Check(AuditLogFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var errors = new FieldErrors();
        string? login = null;
        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            UserInputRules.ValidateLogin(filter.Actor, errors, "actor");
            login = UserInputRules.NormalizeLogin(filter.Actor);
        }

        string? action = null;
        string? prefix = null;
        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            var text = filter.Action.Trim();
            if (text.Length > ActionMaxLength || !ActionPattern().IsMatch(text))
            {
                errors.Add("action", "An action is lower-case words with dots, such as user.signed_in, or a prefix ending with a dot, such as user.");
            }
            else if (text.EndsWith('.'))
            {
                prefix = text;
            }
            else
            {
                action = text;
            }
        }

        if (filter.From is { } from && filter.To is { } to && from > to)
        {
            errors.Add("to", "The end of the time range comes before its start.");
        }

        return errors.IsEmpty
            ? new CheckedAuditLogFilter(login, filter.ProjectId, action, prefix, filter.From?.ToUniversalTime(), filter.To?.ToUniversalTime())
            : errors.ToError();
    }

    // ASCII only, no leading dot or dash: nothing that reads as an option, a formula or a homoglyph.
    [GeneratedRegex("^[a-z0-9_]+(\\.[a-z0-9_]+)*\\.?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ActionPattern();
}
