using System.Text.RegularExpressions;
using GoForge.Core.Projects;

namespace GoForge.Core.Monitoring;

/// <summary>
/// Which service names a viewer may ask about (a log, a stats watch): a compose application's, spelled as compose
/// spells a service (the same rule as the <c>compose_services</c> table's CHECK). A name that matches no container
/// simply shows nothing; anything else is not found, so a query string never reaches a label lookup unchecked.
/// </summary>
public static partial class ComposeServiceNames
{
    public static bool IsValid(Application application, string service)
    {
        ArgumentNullException.ThrowIfNull(application);
        return application.Source == ApplicationSourceKind.Compose && Pattern().IsMatch(service);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
