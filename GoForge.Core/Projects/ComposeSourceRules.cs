using System.Text.RegularExpressions;
using GoForge.Core.Common;

namespace GoForge.Core.Projects;

/// <summary>
/// The rules of a compose application as data (docs/decisions/compose-app-settings.md): the compose file's path in the
/// repository, the service a domain routes to, and the services a variable reaches. The only place these rules live:
/// forms, API and CLI all reach them through <see cref="ApplicationService"/> and <see cref="VariableService"/>.
/// Whether a named service exists is checked when a deployment reads the file (it lives in the repository).
/// </summary>
public static partial class ComposeSourceRules
{
    /// <summary>The path a compose application gets when none is entered (compose's own first choice).</summary>
    public const string DefaultComposePath = "compose.yaml";

    public const int ComposePathMaxLength = 255;

    /// <summary>A compose service name: a DNS label the other services resolve, so at most 63 characters.</summary>
    public const int ServiceNameMaxLength = 63;

    /// <summary>The most services one variable may name (more than any sane compose file has).</summary>
    public const int MaxServicesPerVariable = 32;

    private const string PathHelp =
        "A compose file path is relative to the repository's root: letters, digits, '.', '_', '-' and '/', no '.' or '..' folder, no leading '/' or '-', ending .yml or .yaml, at most 255 characters.";

    /// <summary>True for a compose service name: lower-case letters, digits, '-' and '_', starting with a letter or digit, at most 63 characters.</summary>
    public static bool IsServiceName(string? name) => name is not null && ServiceName().IsMatch(name);

    /// <summary>The path as stored: trimmed, without a leading <c>./</c>; empty (or null) is <see cref="DefaultComposePath"/>.</summary>
    public static string NormalizeComposePath(string? path)
    {
        var value = (path ?? string.Empty).Trim();
        while (value.StartsWith("./", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        return value.Length == 0 ? DefaultComposePath : value;
    }

    /// <summary>Checks a compose file path (after <see cref="NormalizeComposePath"/>).</summary>
    public static void ValidateComposePath(string? path, FieldErrors errors, string field = nameof(ApplicationInput.ComposePath))
    {
        ArgumentNullException.ThrowIfNull(errors);
        var value = NormalizeComposePath(path);
        if (value.Length > ComposePathMaxLength || !ComposePath().IsMatch(value))
        {
            errors.Add(field, PathHelp);
        }
    }

    /// <summary>
    /// Checks the compose fields of <paramref name="input"/>: a compose application needs a repository, a branch and a
    /// compose file; any other application has no compose file.
    /// </summary>
    public static void Validate(ApplicationInput input, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(errors);
        if (input.Source != ApplicationSourceKind.Compose)
        {
            if (!string.IsNullOrWhiteSpace(input.ComposePath))
            {
                errors.Add(nameof(ApplicationInput.ComposePath), "Only a compose application has a compose file.");
            }

            return;
        }

        ProjectInputRules.ValidateGitUrl(input.GitUrl, errors);
        ProjectInputRules.ValidateBranch(input.Branch, errors);
        ValidateComposePath(input.ComposePath, errors);
    }

    /// <summary>
    /// The application as a compose application: its compose file, and the Dockerfile-only fields at their defaults
    /// (each service's build comes from the file). The container port stays: it is the port a routed service without
    /// <c>expose</c> is reached on.
    /// </summary>
    public static Application Apply(Application application, string? composePath)
    {
        ArgumentNullException.ThrowIfNull(application);
        return application with
        {
            Source = ApplicationSourceKind.Compose,
            ComposePath = NormalizeComposePath(composePath),
            BuildContext = ".",
            DockerfilePath = "Dockerfile",
            BuildTarget = null,
            ImageReference = null,
            DigestCheckMinutes = null,
        };
    }

    /// <summary>
    /// A compose application stays one, and no other application becomes one: its deployments, containers, routes and
    /// domains are per service. Returns the refusal, or null when the kind may stay or change (Git and image).
    /// </summary>
    public static Error? RefuseKindChange(ApplicationSourceKind current, ApplicationSourceKind requested)
    {
        if ((current == ApplicationSourceKind.Compose) == (requested == ApplicationSourceKind.Compose))
        {
            return null;
        }

        return Error.Validation(nameof(ApplicationInput.Source), current == ApplicationSourceKind.Compose
            ? "A compose application stays a compose application: create another application for a single container."
            : "An application cannot become a compose application: create a compose application instead.");
    }

    /// <summary>
    /// Checks the services a variable names: each a service name, at most <see cref="MaxServicesPerVariable"/>, only on
    /// a compose application. Returns them trimmed and without repeats, in the order given; null when none is named
    /// (the variable reaches every service).
    /// </summary>
    public static IReadOnlyList<string>? ValidateVariableServices(
        IReadOnlyList<string>? services, bool compose, FieldErrors errors, string field = nameof(VariableInput.Services))
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (services is not { Count: > 0 })
        {
            return null;
        }

        if (!compose)
        {
            errors.Add(field, "Only a compose application's variables can be limited to services.");
            return null;
        }

        var distinct = new List<string>();
        foreach (var raw in services)
        {
            var name = (raw ?? string.Empty).Trim();
            if (!IsServiceName(name))
            {
                errors.Add(field, $"'{ProjectInputRules.Shorten(name)}' is not a service name: lower-case letters, digits, '-' and '_', starting with a letter or digit, at most {ServiceNameMaxLength} characters.");
                return null;
            }

            if (!distinct.Contains(name, StringComparer.Ordinal))
            {
                distinct.Add(name);
            }
        }

        if (distinct.Count > MaxServicesPerVariable)
        {
            errors.Add(field, $"A variable names at most {MaxServicesPerVariable} services.");
            return null;
        }

        return distinct;
    }

    /// <summary>Splits text like <c>web, worker</c> (commas, spaces or new lines) into names; empty text names none.</summary>
    public static IReadOnlyList<string> SplitServices(string? text) =>
        (text ?? string.Empty).Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// Splits a domain line into its service and route: <c>web: shop.example.com/api</c> names service <c>web</c>;
    /// a line without ':' names none. A host or path never holds ':' (ports are the proxy's), so the split is unambiguous.
    /// </summary>
    internal static (string? Service, string Route) SplitDomainLine(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (null, line) : (line[..colon].Trim(), line[(colon + 1)..].Trim());
    }

    // \z, not $: a trailing newline must not pass. Segments start with a letter, digit or '_' (after at most one '.'),
    // so '.', '..', '-x' and '...' never form a segment, and the name ends .yml or .yaml.
    [GeneratedRegex(@"^\.?[A-Za-z0-9_][A-Za-z0-9._-]*(/\.?[A-Za-z0-9_][A-Za-z0-9._-]*)*\.ya?ml\z", RegexOptions.CultureInvariant)]
    private static partial Regex ComposePath();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ServiceName();
}
