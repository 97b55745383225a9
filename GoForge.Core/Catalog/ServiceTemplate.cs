namespace GoForge.Core.Catalog;

/// <summary>What a catalog service is for; templates name it in lower case (<c>database</c>).</summary>
public enum ServiceCategory
{
    Database,
    Cache,
    Storage,
    Messaging,
    Search,
    Tool,
}

/// <summary>Where a template came from: shipped inside GoForge, or the admin's template folder.</summary>
public enum TemplateOrigin
{
    BuiltIn,
    Folder,
}

/// <summary>
/// One catalog entry: everything needed to create a service from an image, as read and checked by
/// <see cref="TemplateReader"/> and <see cref="TemplateRules"/>. Strings that may hold <c>{{...}}</c> references are
/// rendered per instance by <see cref="ServiceRenderer"/>; nothing here is ever given to a shell. The format is
/// described in docs/decisions/catalog.md.
/// </summary>
public sealed record ServiceTemplate
{
    /// <summary>Slug, unique in the catalog (<c>postgresql</c>).</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required ServiceCategory Category { get; init; }

    public required string Description { get; init; }

    /// <summary>SVG path data (the <c>d</c> attribute) for a 24×24 view box, or null for the category's icon.</summary>
    public string? Icon { get; init; }

    /// <summary>Image repository without tag or digest (<c>postgres</c>, <c>getmeili/meilisearch</c>).</summary>
    public required string Image { get; init; }

    /// <summary>Tags offered, newest first; the first is the default.</summary>
    public required IReadOnlyList<string> Versions { get; init; }

    public required IReadOnlyList<TemplatePort> Ports { get; init; }

    /// <summary>Per-instance values, generated or defaulted, that the user may edit before creation.</summary>
    public IReadOnlyList<TemplateInput> Inputs { get; init; } = [];

    /// <summary>Environment variables in file order; values are template strings.</summary>
    public IReadOnlyList<TemplateVariable> Environment { get; init; } = [];

    /// <summary>Arguments replacing the image's command (each a template string), or empty for the image's own.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    public IReadOnlyList<TemplateVolume> Volumes { get; init; } = [];

    public TemplateHealthCheck? HealthCheck { get; init; }

    /// <summary>Set when the service can be reached over HTTP through the proxy, on a domain chosen at creation.</summary>
    public TemplateHttp? Http { get; init; }

    /// <summary>What the service offers to others: connection strings and URLs.</summary>
    public IReadOnlyList<TemplateOutput> Outputs { get; init; } = [];

    public TemplateOrigin Origin { get; init; } = TemplateOrigin.BuiltIn;

    public string DefaultVersion => Versions[0];

    /// <summary>The port marked <c>main</c>, else the first; it is what <c>{{port}}</c> renders to.</summary>
    public TemplatePort MainPort => Ports.FirstOrDefault(p => p.Main) ?? Ports[0];
}

/// <summary>A port the container listens on (TCP).</summary>
public sealed record TemplatePort(string Name, int Port, bool Main);

/// <summary>How a template makes a value: <c>password:32</c>, <c>hex:64</c>, <c>username</c>.</summary>
public enum GeneratorKind
{
    Password,
    Hex,
    Username,
}

/// <summary>A generator and the length of what it makes (<see cref="ValueGenerator.UsernameLength"/> for user names).</summary>
public sealed record GeneratorSpec(GeneratorKind Kind, int Length)
{
    public override string ToString() => Kind switch
    {
        GeneratorKind.Password => $"password:{Length}",
        GeneratorKind.Hex => $"hex:{Length}",
        GeneratorKind.Username => "username",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };
}

/// <summary>
/// A named per-instance value: generated (<see cref="Generate"/>) or a fixed <see cref="Default"/> — exactly one of
/// the two. <see cref="Secret"/> values are masked in the UI and stored encrypted.
/// </summary>
public sealed record TemplateInput(string Name, string Label, string? Description, GeneratorSpec? Generate, string? Default, bool Secret);

public sealed record TemplateVariable(string Key, string Value);

/// <summary>A named Docker volume mounted at an absolute path in the container. Never a host path.</summary>
public sealed record TemplateVolume(string Name, string MountPath);

public enum HealthCheckKind
{
    /// <summary>A command run inside the container (Docker's exec form, never a shell).</summary>
    Exec,

    /// <summary>GoForge opens a TCP connection to the port.</summary>
    Tcp,

    /// <summary>GoForge sends <c>GET path</c> to the port and expects a 2xx or 3xx answer.</summary>
    Http,
}

/// <summary>
/// How to tell the service is up. Exactly one of <see cref="Exec"/> (exec kind), or <see cref="Port"/> (TCP and
/// HTTP kinds, with <see cref="Path"/> for HTTP) is set.
/// </summary>
public sealed record TemplateHealthCheck(
    HealthCheckKind Kind,
    IReadOnlyList<string> Exec,
    int? Port,
    string? Path,
    TimeSpan Interval,
    TimeSpan Timeout,
    int Retries,
    TimeSpan StartPeriod);

/// <summary>The container port the proxy routes the service's domain to.</summary>
public sealed record TemplateHttp(int Port);

/// <summary>A value the service offers, such as a connection URL; <see cref="Secret"/> when it contains a secret input.</summary>
public sealed record TemplateOutput(string Name, string Label, string Value, bool Secret);
