using GoForge.Core.Projects;

namespace GoForge.Core.Containers;

/// <summary>What to run.</summary>
public sealed record ContainerSpec
{
    /// <summary>Container name, unique on the engine.</summary>
    public required string Name { get; init; }

    /// <summary>Image reference (a tag or id) already present on the engine.</summary>
    public required string Image { get; init; }

    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The user-defined bridge network the container joins, by id (or name); it must exist: Core ensures an
    /// environment's network, owned, through <see cref="EnvironmentNetworks"/>, and the runtime never creates it.
    /// </summary>
    public required string Network { get; init; }

    /// <summary>A second network the container joins, by id (or name), where the proxy reaches it; it must exist (Core ensures it); null for none.</summary>
    public string? ProxyNetwork { get; init; }

    /// <summary>
    /// The network the panel probes the container on (<see cref="ProbeNetworkOptions"/>), by id (or name), joined too
    /// when it is neither <see cref="Network"/> nor <see cref="ProxyNetwork"/>; it must exist (Core ensures it); null for none.
    /// </summary>
    public string? ProbeNetwork { get; init; }

    /// <summary>The port the application listens on inside the container.</summary>
    public required int ContainerPort { get; init; }

    public int? MemoryLimitMb { get; init; }

    /// <summary>CPU limit in cores (e.g. 0.5).</summary>
    public double? CpuLimit { get; init; }

    /// <summary>The most processes (threads included) the container may hold; secure by default (<see cref="ContainerHardening"/>).</summary>
    public int PidsLimit { get; init; } = ContainerHardening.DefaultPidsLimit;

    /// <summary>Keeps the <c>NET_RAW</c> capability; off by default, so the container drops it.</summary>
    public bool AllowRawSockets { get; init; }

    public RestartPolicy RestartPolicy { get; init; } = RestartPolicy.UnlessStopped;

    public string? HealthCheckPath { get; init; }

    /// <summary>Arguments replacing the image's command (an argument array, never a shell line); empty for the image's own.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>Named volumes mounted into the container; each must exist (services create theirs first).</summary>
    public IReadOnlyList<ContainerVolume> Volumes { get; init; } = [];

    /// <summary>An extra DNS name the container answers to on <see cref="AliasNetwork"/> if set, else on <see cref="Network"/>; null for none.</summary>
    public string? NetworkAlias { get; init; }

    /// <summary>
    /// A network the container also joins, by id (or name), answering there to <see cref="NetworkAlias"/> and on
    /// <see cref="Network"/> by its name only (a compose application's own network); it must exist (Core ensures it); null for none.
    /// </summary>
    public string? AliasNetwork { get; init; }

    /// <summary>A health check the engine runs inside the container (exec form); null for none.</summary>
    public ContainerExecHealthCheck? ExecHealthCheck { get; init; }

    /// <summary>
    /// Runs the engine's init (tini) as PID 1: it forwards signals and reaps zombies, so a process that ignores SIGTERM
    /// as PID 1 still stops at once instead of after the stop grace. Services set it; applications keep their image's.
    /// </summary>
    public bool Init { get; init; }

    /// <summary>Arguments replacing the image's entrypoint (an argument array); null keeps the image's (a compose service's <c>entrypoint</c>).</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }

    /// <summary>The working directory inside the container; null keeps the image's.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>The user (name or uid[:gid]) the process runs as; null keeps the image's.</summary>
    public string? User { get; init; }

    /// <summary>How long the engine waits after SIGTERM before it kills the container on stop; null keeps the engine's default.</summary>
    public TimeSpan? StopGracePeriod { get; init; }

    /// <summary>
    /// The engine's health check in its own form: <c>["CMD", arg…]</c>, <c>["CMD-SHELL", line]</c> (a shell inside the
    /// container, never the host's) or <c>["NONE"]</c> (the image's own turned off); null for none of its own. Used when
    /// <see cref="ExecHealthCheck"/> is null.
    /// </summary>
    public ContainerEngineHealthCheck? EngineHealthCheck { get; init; }
}

/// <summary>A health check in the engine's form (<see cref="ContainerSpec.EngineHealthCheck"/>).</summary>
public sealed record ContainerEngineHealthCheck(IReadOnlyList<string> Test, TimeSpan Interval, TimeSpan Timeout, int Retries, TimeSpan StartPeriod);

/// <summary>A named volume (or, with <see cref="Bind"/>, a host folder) and where it is mounted.</summary>
public sealed record ContainerVolume(string Name, string MountPath)
{
    /// <summary><see cref="Name"/> is a host folder mounted as it is (an application's admin-allowed bind mount); false for a named volume.</summary>
    public bool Bind { get; init; }

    /// <summary>Mounted read-only.</summary>
    public bool ReadOnly { get; init; }
}

/// <summary>The engine's <c>HEALTHCHECK</c> in exec form: <see cref="Command"/> is run as an argument array, never by a shell.</summary>
public sealed record ContainerExecHealthCheck(IReadOnlyList<string> Command, TimeSpan Interval, TimeSpan Timeout, int Retries, TimeSpan StartPeriod);
