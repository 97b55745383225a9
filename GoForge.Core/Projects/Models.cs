namespace GoForge.Core.Projects;

/// <summary>A group of environments and their applications, owned by its members.</summary>
public sealed record Project
{
    public required Guid Id { get; init; }

    public required string Name { get; init; }

    /// <summary>DNS-safe name, unique across GoForge; used in container and network names.</summary>
    public required string Slug { get; init; }

    public string? Description { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A project as a list shows it: with counts and the viewer's role.</summary>
public sealed record ProjectSummary
{
    public required Project Project { get; init; }

    public required int EnvironmentCount { get; init; }

    public required int ApplicationCount { get; init; }

    /// <summary>The viewer's role; administrators who are not members see <see cref="ProjectRole.Maintainer"/>.</summary>
    public required ProjectRole Role { get; init; }
}

/// <summary>An environment of a project (production, staging, ...).</summary>
public sealed record ProjectEnvironment
{
    public required Guid Id { get; init; }

    public required Guid ProjectId { get; init; }

    public required string Name { get; init; }

    /// <summary>DNS-safe name, unique within the project.</summary>
    public required string Slug { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}

public enum RestartPolicy
{
    UnlessStopped,
    Always,
    OnFailure,
    No,
}

/// <summary>A host name (and optional path prefix) that routes to an application.</summary>
public sealed record AppDomainRoute(string Host, string? PathPrefix)
{
    /// <summary>For a compose application, the compose service this domain routes to; null for any other application.</summary>
    public string? Service { get; init; }

    public override string ToString() => PathPrefix is null ? Host : Host + PathPrefix;

    /// <summary>The route as a user enters it: <c>host/path</c>, or <c>service: host/path</c> for a compose application's.</summary>
    public string ToInputText() => Service is null ? ToString() : $"{Service}: {this}";
}

/// <summary>An application built from a Git repository's Dockerfile, or run from a registry image (<see cref="Source"/>).</summary>
public sealed record Application
{
    public required Guid Id { get; init; }

    public required Guid ProjectId { get; init; }

    public required Guid EnvironmentId { get; init; }

    public required string Name { get; init; }

    /// <summary>DNS-safe name, unique within the environment.</summary>
    public required string Slug { get; init; }

    public required string GitUrl { get; init; }

    public required string Branch { get; init; }

    /// <summary>Folder inside the repository used as the build context; "." is the root.</summary>
    public required string BuildContext { get; init; }

    /// <summary>Dockerfile path inside the repository.</summary>
    public required string DockerfilePath { get; init; }

    /// <summary>The Dockerfile stage to build (<see cref="BuildTargetRules"/>); null builds the last stage.</summary>
    public string? BuildTarget { get; init; }

    public required int ContainerPort { get; init; }

    public IReadOnlyList<AppDomainRoute> Domains { get; init; } = [];

    public string? HealthCheckPath { get; init; }

    public int? MemoryLimitMb { get; init; }

    public decimal? CpuLimit { get; init; }

    /// <summary>The most processes (tasks, threads included) the container may hold (<see cref="ContainerHardening"/>).</summary>
    public int PidsLimit { get; init; } = ContainerHardening.DefaultPidsLimit;

    /// <summary>Keeps the <c>NET_RAW</c> capability (raw and packet sockets); off by default.</summary>
    public bool AllowRawSockets { get; init; }

    public RestartPolicy RestartPolicy { get; init; } = RestartPolicy.UnlessStopped;

    public bool AutoDeploy { get; init; } = true;

    /// <summary>Where the image comes from: built from <see cref="GitUrl"/>, or pulled as <see cref="ImageReference"/>.</summary>
    public ApplicationSourceKind Source { get; init; } = ApplicationSourceKind.Git;

    /// <summary>The registry image an <see cref="ApplicationSourceKind.Image"/> application runs; null for a Git one.</summary>
    public string? ImageReference { get; init; }

    /// <summary>How often (minutes) GoForge asks the registry whether the image's digest changed; null for never.</summary>
    public int? DigestCheckMinutes { get; init; }

    /// <summary>
    /// For a <see cref="ApplicationSourceKind.Compose"/> application, the compose file's path inside the repository
    /// (<c>compose.yaml</c>, <c>deploy/docker-compose.yml</c>); null for any other.
    /// </summary>
    public string? ComposePath { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>An environment variable of an application. <see cref="Value"/> is plain text in memory only; at rest it is encrypted.</summary>
public sealed record EnvironmentVariable
{
    public required Guid Id { get; init; }

    public required Guid ApplicationId { get; init; }

    public required string Key { get; init; }

    public required string Value { get; init; }

    public bool IsSecret { get; init; }

    /// <summary>Passed to the image build as a build argument too.</summary>
    public bool IsBuildTime { get; init; }

    /// <summary>
    /// For a compose application, the compose services this variable reaches (and whose builds it reaches, when it is
    /// build-time); null or empty reaches every service. Ignored for other applications.
    /// </summary>
    public IReadOnlyList<string>? Services { get; init; }

    /// <summary>True when this variable reaches compose service <paramref name="service"/>.</summary>
    public bool Reaches(string service) => Services is not { Count: > 0 } only || only.Contains(service, StringComparer.Ordinal);

    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A variable as a page shows it: secrets without their value unless revealed.</summary>
public sealed record MaskedVariable(Guid Id, string Key, string? Value, bool IsSecret, bool IsBuildTime, DateTimeOffset UpdatedAt)
{
    public const string Mask = "••••••••";

    /// <summary>For a compose application, the services the variable reaches; null reaches every service.</summary>
    public IReadOnlyList<string>? Services { get; init; }

    public string DisplayValue => IsSecret ? Mask : Value ?? string.Empty;
}

public sealed record ProjectMember(Guid ProjectId, Guid UserId, string Login, string DisplayName, ProjectRole Role);
