using System.Globalization;
using GoForge.Core.AuditTrail;
using GoForge.Core.Common;
using Microsoft.AspNetCore.WebUtilities;

namespace GoForge.Web.Endpoints.AuditLog;

/// <summary>
/// The audit log's filters in a query string (<c>actor</c>, <c>project</c>, <c>action</c>, <c>from</c>, <c>to</c>), read
/// the same by the API, the CSV download and the page's "Export CSV" link. Only the shape is checked here (an id, an
/// ISO 8601 time, a bounded length); Core's <see cref="AuditLogFilterRules"/> decides the rest.
/// </summary>
public static class AuditLogQueryString
{
    private const int MaxParameterLength = 200;

    public static Result<AuditLogFilter> Parse(string? actor, string? project, string? action, string? from, string? to)
    {
        var errors = new FieldErrors();
        Guid? projectId = null;
        if (!string.IsNullOrWhiteSpace(project))
        {
            if (project.Length <= MaxParameterLength && Guid.TryParseExact(project.Trim(), "D", out var id))
            {
                projectId = id;
            }
            else
            {
                errors.Add("project", "This is not a project id.");
            }
        }

        var fromTime = Time(from, "from", errors);
        var toTime = Time(to, "to", errors);
        if (actor?.Length > MaxParameterLength)
        {
            errors.Add("actor", "A login has at most 64 characters.");
        }

        if (action?.Length > MaxParameterLength)
        {
            errors.Add("action", $"An action has at most {AuditLogFilterRules.ActionMaxLength} characters.");
        }

        return errors.IsEmpty
            ? new AuditLogFilter { Actor = actor, ProjectId = projectId, Action = action, From = fromTime, To = toTime }
            : errors.ToError();
    }

    /// <summary>The filter as query-string pairs (empty ones left out), for links that carry it.</summary>
    public static string Format(string path, AuditLogFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var pairs = new Dictionary<string, string?>(StringComparer.Ordinal);
        Add(pairs, "actor", filter.Actor);
        Add(pairs, "project", filter.ProjectId?.ToString("D"));
        Add(pairs, "action", filter.Action);
        Add(pairs, "from", filter.From?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Add(pairs, "to", filter.To?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        return QueryHelpers.AddQueryString(path, pairs);
    }

    private static void Add(Dictionary<string, string?> pairs, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            pairs[key] = value.Trim();
        }
    }

    private static DateTimeOffset? Time(string? text, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (text.Length <= MaxParameterLength
            && DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }

        errors.Add(field, "Give a time as ISO 8601, for example 2026-12-07T16:30:00Z.");
        return null;
    }
}
