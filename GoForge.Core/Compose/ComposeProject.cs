using GoForge.Core.Projects;

namespace GoForge.Core.Compose;

/// <summary>
/// A compose file read and checked by <c>ComposeReader</c>: every value interpolated, every key allowed
/// (docs/decisions/compose.md). Nothing here came from the file unchecked, so the deploy step never has to refuse.
/// </summary>
/// <param name="Services">The services in start order: each comes after every service it depends on; ties keep file order.</param>
/// <param name="Volumes">The file's named volumes (top-level <c>volumes</c>), as the file names them.</param>
public sealed record ComposeProject(IReadOnlyList<ComposeService> Services, IReadOnlyList<string> Volumes)
{
    /// <summary>The service named <paramref name="name"/>; null when the file has none.</summary>
    public ComposeService? Find(string name) => Services.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));
}

/// <summary>One service of a compose file. Either <see cref="Image"/> or <see cref="Build"/> is set (both: build, and tag as the image).</summary>
public sealed record ComposeService
{
    /// <summary>Its name in the file: lower-case letters, digits, '-' and '_', starting with a letter or digit, at most 63 characters; also its DNS name for the other services.</summary>
    public required string Name { get; init; }

    /// <summary>The line of the file where the service starts (for messages).</summary>
    public int Line { get; init; }

    /// <summary>The registry image to pull; null for a service that is only built.</summary>
    public ImageReference? Image { get; init; }

    /// <summary>How to build the service's image; null for a service that only pulls.</summary>
    public ComposeBuild? Build { get; init; }

    /// <summary>The file's <c>env_file</c>s (in order) then <c>environment</c>, interpolated. The application's variables are added by the deploy step.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The command as an argument list; null keeps the image's. A string in the file is split like a command line (quotes only, no expansion).</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>The entrypoint as an argument list; null keeps the image's.</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }

    /// <summary>The engine health check the container runs; null for none (or the image's own when <see cref="HealthCheckDisabled"/> is false).</summary>
    public ComposeHealthCheck? HealthCheck { get; init; }

    /// <summary><c>healthcheck: {disable: true}</c>: the image's own health check is turned off too.</summary>
    public bool HealthCheckDisabled { get; init; }

    public IReadOnlyList<ComposeDependency> DependsOn { get; init; } = [];

    /// <summary>Compose's default is <c>no</c>.</summary>
    public RestartPolicy Restart { get; init; } = RestartPolicy.No;

    public IReadOnlyList<ComposeMount> Volumes { get; init; } = [];

    /// <summary>From <c>deploy.resources.limits</c>.</summary>
    public ComposeLimits Limits { get; init; } = ComposeLimits.None;

    /// <summary>The file's labels: none in GoForge's or a proxy's namespace (those are refused when read).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The container ports from <c>expose</c>, in file order; the first is the port a domain routes to.</summary>
    public IReadOnlyList<int> Expose { get; init; } = [];

    public string? WorkingDir { get; init; }

    public string? User { get; init; }

    public TimeSpan? StopGracePeriod { get; init; }
}

/// <summary>
/// A service's <c>build</c>: paths relative to the repository's root (the compose file's folder already applied, <c>..</c>
/// resolved and refused above the root). The builder checks again, with every link followed, that they stay inside the clone.
/// </summary>
/// <param name="Context">The build context, relative to the repository root ("." for the root).</param>
/// <param name="Dockerfile">The Dockerfile, relative to <paramref name="Context"/>.</param>
public sealed record ComposeBuild(string Context, string Dockerfile, IReadOnlyDictionary<string, string> Args, string? Target);

/// <summary>What a dependency must reach before the dependent service starts.</summary>
public enum ComposeCondition
{
    /// <summary><c>service_started</c> (and the short <c>depends_on: [a, b]</c> form).</summary>
    Started,

    /// <summary><c>service_healthy</c>: the dependency's engine health check passed.</summary>
    Healthy,

    /// <summary><c>service_completed_successfully</c>: the dependency ran and exited with code 0.</summary>
    CompletedSuccessfully,
}

public sealed record ComposeDependency(string Service, ComposeCondition Condition);

/// <summary>
/// A health check the engine runs inside the container. <see cref="Test"/> is the engine's form: <c>["CMD", arg…]</c>
/// or <c>["CMD-SHELL", line]</c> (a shell inside the container, the container's own business, never the host's).
/// </summary>
public sealed record ComposeHealthCheck(IReadOnlyList<string> Test, TimeSpan Interval, TimeSpan Timeout, int Retries, TimeSpan StartPeriod);

/// <summary>A mount: a named volume of the file (<see cref="Source"/> is its name in the file), or with <see cref="Bind"/> a host folder an administrator allowed.</summary>
public sealed record ComposeMount(string Source, string Target, bool ReadOnly, bool Bind = false);

/// <summary><c>deploy.resources.limits</c>: memory in MiB, CPUs in cores, processes.</summary>
public sealed record ComposeLimits(int? MemoryMb, double? Cpus, int? Pids)
{
    public static ComposeLimits None { get; } = new(null, null, null);
}

/// <summary>Why a compose file was refused: the key (its path in the file, e.g. <c>services.web.privileged</c>), the line, and the reason.</summary>
public sealed record ComposeProblem(string Key, int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{Key} (line {Line}): {Message}" : $"{Key}: {Message}";
}
