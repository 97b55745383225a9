namespace GoForge.Core.Projects;

/// <summary>
/// One line of a compose application's domains as a form shows it: the service it routes to and its <c>host/path</c>.
/// The form edits rows; <see cref="ApplicationService"/> still parses and checks the joined text (ProjectInputRules.ParseDomains),
/// so the rows never hold a rule of their own.
/// </summary>
public sealed class ComposeServiceDomain
{
    public string? Service { get; set; }

    public string? Route { get; set; }

    /// <summary>The rows of a domains text (<c>web: shop.example.com</c> per line); a line without a service keeps its route.</summary>
    public static List<ComposeServiceDomain> FromText(string? text) =>
        (text ?? string.Empty).Split(['\n', '\r', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(ComposeSourceRules.SplitDomainLine)
            .Select(line => new ComposeServiceDomain { Service = line.Service, Route = line.Route })
            .ToList();

    /// <summary>
    /// The domains text of <paramref name="rows"/>, one <c>service: route</c> line each; a row left wholly empty is
    /// dropped, and a row missing its service or route is kept as typed so the service names its mistake.
    /// </summary>
    public static string ToText(IEnumerable<ComposeServiceDomain> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return string.Join('\n', rows
            .Where(r => !string.IsNullOrWhiteSpace(r.Service) || !string.IsNullOrWhiteSpace(r.Route))
            .Select(r => string.IsNullOrWhiteSpace(r.Service) ? (r.Route ?? string.Empty).Trim() : $"{r.Service.Trim()}: {(r.Route ?? string.Empty).Trim()}"));
    }
}
