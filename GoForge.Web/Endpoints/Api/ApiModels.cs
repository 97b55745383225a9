using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Projects;

namespace GoForge.Web.Endpoints.Api;

// What /api/v1 sends and takes. Separate from Core's records so the wire format changes only on purpose.

public sealed record MeResponse(Guid Id, string Login, string DisplayName, UserRole Role, TokenResponse Token);

public sealed record TokenResponse(Guid Id, string Name, IReadOnlyList<string> Scopes, Guid? ProjectId, DateTimeOffset? ExpiresAt)
{
    public static TokenResponse From(ApiToken t) => new(t.Id, t.Name, t.Scopes.Names(), t.ProjectId, t.ExpiresAt);
}

public sealed record ProjectResponse(Guid Id, string Name, string Slug, string? Description, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ProjectResponse From(Project p) => new(p.Id, p.Name, p.Slug, p.Description, p.CreatedAt, p.UpdatedAt);
}

public sealed record ProjectListItem(Guid Id, string Name, string Slug, string? Description, ProjectRole Role, int EnvironmentCount, int ApplicationCount)
{
    public static ProjectListItem From(ProjectSummary s) =>
        new(s.Project.Id, s.Project.Name, s.Project.Slug, s.Project.Description, s.Role, s.EnvironmentCount, s.ApplicationCount);
}

public sealed record ProjectRequest(string? Name, string? Description);

public sealed record EnvironmentResponse(Guid Id, Guid ProjectId, string Name, string Slug, DateTimeOffset CreatedAt)
{
    public static EnvironmentResponse From(ProjectEnvironment e) => new(e.Id, e.ProjectId, e.Name, e.Slug, e.CreatedAt);
}

public sealed record EnvironmentRequest(string? Name);

public sealed record ApplicationResponse(
    Guid Id, Guid ProjectId, Guid EnvironmentId, string Name, string Slug, string GitUrl, string Branch, string BuildContext,
    string DockerfilePath, int ContainerPort, IReadOnlyList<string> Domains, string? HealthCheckPath, int? MemoryLimitMb,
    decimal? CpuLimit, RestartPolicy RestartPolicy, bool AutoDeploy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    int PidsLimit, bool AllowRawSockets, ApplicationSourceKind Source, string? Image, int? DigestCheckMinutes, string? BuildTarget = null,
    string? ComposePath = null, IReadOnlyList<DomainRouteResponse>? Routes = null)
{
    /// <summary>
    /// <see cref="Domains"/> as entered (<c>host/path</c>, or <c>service: host/path</c> for a compose application's);
    /// <see cref="Routes"/> the same domains split into fields.
    /// </summary>
    public static ApplicationResponse From(Application a) => new(
        a.Id, a.ProjectId, a.EnvironmentId, a.Name, a.Slug, a.GitUrl, a.Branch, a.BuildContext, a.DockerfilePath, a.ContainerPort,
        a.Domains.Select(d => d.ToInputText()).ToList(), a.HealthCheckPath, a.MemoryLimitMb, a.CpuLimit, a.RestartPolicy, a.AutoDeploy,
        a.CreatedAt, a.UpdatedAt, a.PidsLimit, a.AllowRawSockets, a.Source, a.ImageReference, a.DigestCheckMinutes, a.BuildTarget,
        a.ComposePath, a.Domains.Select(d => new DomainRouteResponse(d.Host, d.PathPrefix, d.Service)).ToList());
}

/// <summary>One domain of an application: its host, path prefix (null for none) and, for a compose application, the service it routes to.</summary>
public sealed record DomainRouteResponse(string Host, string? PathPrefix, string? Service);

/// <summary>An application as a client sends it; a PUT replaces every field (missing ones take their defaults).</summary>
public sealed record ApplicationRequest
{
    public string? Name { get; init; }

    public string? GitUrl { get; init; }

    public string? Branch { get; init; }

    public string? BuildContext { get; init; }

    public string? DockerfilePath { get; init; }

    /// <summary>The Dockerfile stage to build (a stage name); missing or empty builds the last stage.</summary>
    public string? BuildTarget { get; init; }

    public int? ContainerPort { get; init; }

    /// <summary><c>host</c> or <c>host/path</c> each; a compose application's name their service: <c>web: host/path</c>.</summary>
    public IReadOnlyList<string>? Domains { get; init; }

    public string? HealthCheckPath { get; init; }

    public int? MemoryLimitMb { get; init; }

    public decimal? CpuLimit { get; init; }

    public RestartPolicy? RestartPolicy { get; init; }

    public bool? AutoDeploy { get; init; }

    /// <summary>The process limit (16 to 32768); missing for the default, 1024.</summary>
    public int? PidsLimit { get; init; }

    /// <summary>Keeps NET_RAW (raw and packet sockets); missing for false.</summary>
    public bool? AllowRawSockets { get; init; }

    /// <summary>
    /// <c>Git</c> (missing), <c>Image</c> (needs <see cref="Image"/> and no Git fields) or <c>Compose</c> (Git fields and
    /// <see cref="ComposePath"/>); a compose application stays one.
    /// </summary>
    public ApplicationSourceKind? Source { get; init; }

    /// <summary>A compose application's compose file in the repository; missing for <c>compose.yaml</c>.</summary>
    public string? ComposePath { get; init; }

    /// <summary>An image application's registry reference: <c>name:tag</c>, <c>registry:port/name:tag</c> or <c>name@sha256:…</c>.</summary>
    public string? Image { get; init; }

    /// <summary>Minutes (5 to 1440) between checks for a new digest of an image application; missing for never.</summary>
    public int? DigestCheckMinutes { get; init; }

    public ApplicationInput ToInput()
    {
        var defaults = new ApplicationInput();
        return new ApplicationInput
        {
            Name = Name,
            GitUrl = GitUrl,
            Branch = Branch ?? defaults.Branch,
            BuildContext = BuildContext ?? defaults.BuildContext,
            DockerfilePath = DockerfilePath ?? defaults.DockerfilePath,
            BuildTarget = BuildTarget,
            ContainerPort = ContainerPort ?? defaults.ContainerPort,
            Domains = Domains is null ? null : string.Join('\n', Domains),
            HealthCheckPath = HealthCheckPath,
            MemoryLimitMb = MemoryLimitMb,
            CpuLimit = CpuLimit,
            RestartPolicy = RestartPolicy ?? defaults.RestartPolicy,
            AutoDeploy = AutoDeploy ?? defaults.AutoDeploy,
            PidsLimit = PidsLimit ?? defaults.PidsLimit,
            AllowRawSockets = AllowRawSockets ?? defaults.AllowRawSockets,
            Source = Source ?? defaults.Source,
            ImageReference = Image,
            DigestCheckMinutes = DigestCheckMinutes,
            ComposePath = ComposePath,
        };
    }
}

/// <summary>A variable; <see cref="Value"/> is null for a secret unless the token has the <c>secrets</c> scope and the role may reveal.</summary>
/// <param name="Services">A compose application's variable limited to these services; null reaches every service.</param>
public sealed record VariableResponse(Guid Id, string Key, string? Value, bool IsSecret, bool IsBuildTime, DateTimeOffset UpdatedAt, IReadOnlyList<string>? Services = null);

/// <summary>
/// A variable's new value and flags. A null <see cref="Value"/> keeps the stored value; a null flag keeps the stored
/// flag (false for a new variable), so changing a value never turns a secret into a plain variable by omission.
/// <see cref="Services"/> (compose applications only) limits the variable to those services: null keeps the stored
/// choice, <c>[]</c> reaches every service.
/// </summary>
public sealed record VariableRequest(string? Value, bool? IsSecret, bool? IsBuildTime, IReadOnlyList<string>? Services = null);

/// <summary>A deployment. The CLI's remote mode reads <c>id, applicationId, state, reason, commitSha, updatedAt</c>.</summary>
public sealed record DeploymentResponse(
    Guid Id, Guid ApplicationId, GoForge.Core.Deployments.DeploymentState State, GoForge.Core.Deployments.DeploymentSource Source,
    string? Reason, string? CommitSha, string? CommitMessage, string? CommitAuthor, Guid? RollbackOf, Guid? RequestedBy,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Image = null, string? ImageDigest = null)
{
    /// <summary>What it does: build (or reuse a kept image of the same commit), or restart ("Apply": the running image with the current settings).</summary>
    public GoForge.Core.Deployments.DeploymentKind Kind { get; init; }

    public static DeploymentResponse From(GoForge.Core.Deployments.Deployment d) => new(
        d.Id, d.ApplicationId, d.State, d.Source, d.Reason, d.CommitSha, d.CommitMessage, d.CommitAuthor, d.RollbackOf, d.RequestedBy, d.CreatedAt, d.UpdatedAt,
        d.ImageReference, d.ImageDigest)
    {
        Kind = d.Kind,
    };
}

/// <summary>What to deploy: a full commit id, or null (or no body) for the branch head at clone time.</summary>
/// <summary>What to deploy: a commit (Git applications), or, with <see cref="Force"/>, an image application's pull even when its digest runs already.</summary>
public sealed record DeploymentRequest(string? CommitSha, bool? Force = null);

/// <summary>An image application's registry credential; the password or token is write-only (empty keeps the stored one).</summary>
public sealed record RegistryCredentialRequest(string? Username, string? Password);

/// <summary>Which registry and user an image application's pulls authenticate as; never the password.</summary>
public sealed record RegistryCredentialResponse(string Registry, string Username);

/// <summary>The earlier deployment whose image to start again; null (or no body) for the newest one kept.</summary>
public sealed record RollbackRequest(Guid? TargetDeploymentId);

/// <summary>Log lines after <c>offset</c>; pass <see cref="NextOffset"/> back as <c>offset</c> for the lines that follow.</summary>
public sealed record DeploymentLogResponse(IReadOnlyList<DeploymentLogLineResponse> Lines, int NextOffset)
{
    public static DeploymentLogResponse From(IReadOnlyList<GoForge.Core.Deployments.DeploymentLogLine> lines, int offset) =>
        new(lines.Select(l => new DeploymentLogLineResponse(l.LineNo, l.LoggedAt, l.Text)).ToList(), lines.Count > 0 ? lines[^1].LineNo : offset);
}

public sealed record DeploymentLogLineResponse(int LineNo, DateTimeOffset LoggedAt, string Text);

/// <summary>A webhook delivery: who sent what, and what GoForge did with it (the deployment it queued, if any).</summary>
public sealed record WebhookDeliveryResponse(
    Guid Id, Guid ApplicationId, GoForge.Core.GitProviders.WebhookProvider Provider, string DeliveryKey, string Event,
    GoForge.Core.GitProviders.WebhookOutcome Outcome, string? Reason, string? GitRef, string? CommitSha, Guid? DeploymentId,
    int Redeliveries, DateTimeOffset ReceivedAt, DateTimeOffset LastReceivedAt)
{
    public static WebhookDeliveryResponse From(GoForge.Core.GitProviders.WebhookDelivery d) => new(
        d.Id, d.ApplicationId, d.Provider, d.DeliveryKey, d.Event, d.Outcome, d.Reason, d.GitRef, d.CommitSha, d.DeploymentId,
        d.Redeliveries, d.ReceivedAt, d.LastReceivedAt);
}

/// <summary>A catalog template as a client chooses one: the versions offered (the first is the default).</summary>
public sealed record CatalogTemplateResponse(
    string Id, string Name, GoForge.Core.Catalog.ServiceCategory Category, string Description, string Image, IReadOnlyList<string> Versions,
    string DefaultVersion, bool NeedsDomain)
{
    public static CatalogTemplateResponse From(GoForge.Core.Catalog.ServiceTemplate t) =>
        new(t.Id, t.Name, t.Category, t.Description, t.Image, t.Versions, t.DefaultVersion, t.Http is not null);
}

/// <summary>A service instance; its credentials are never part of it.</summary>
public sealed record ServiceResponse(
    Guid Id, Guid ProjectId, Guid EnvironmentId, string TemplateId, string Version, string Name, string Slug, string Host,
    GoForge.Core.Services.ServiceState State, string? Reason, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ServiceResponse From(GoForge.Core.Services.ServiceInstance s) =>
        new(s.Id, s.ProjectId, s.EnvironmentId, s.TemplateId, s.Version, s.Name, s.Slug, s.Host, s.State, s.Reason, s.CreatedAt, s.UpdatedAt);
}

/// <summary>How other apps of the environment reach a service; secret output values are null unless revealed.</summary>
public sealed record ServiceConnectionResponse(string Host, int Port, IReadOnlyList<ServiceOutputResponse> Outputs);

public sealed record ServiceOutputResponse(string Name, string Label, string? Value, bool Secret);

/// <summary>
/// A service to create. A null <see cref="Name"/> is the one the panel would offer; a left-out input takes the
/// catalog's generated or default value; <see cref="Domain"/> only for templates served over HTTP.
/// </summary>
public sealed record ServiceRequest(string? TemplateId, string? Name, string? Version, string? Domain, IReadOnlyDictionary<string, string>? Inputs);

public sealed record ServiceVersionRequest(string? Version);

/// <summary>Writes the service's output <see cref="OutputName"/> as the secret variable <see cref="Key"/> of the application.</summary>
public sealed record ServiceLinkRequest(Guid? ApplicationId, string? OutputName, string? Key);

/// <summary>An account as administrators see it; never its password hash.</summary>
public sealed record UserResponse(
    Guid Id, string Login, string DisplayName, UserRole Role, bool Disabled, bool HasPassword, bool GitHubLinked, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static UserResponse From(User u) =>
        new(u.Id, u.Login, u.DisplayName, u.Role, u.IsDisabled, u.PasswordHash is not null, u.GitHubId is not null, u.CreatedAt, u.UpdatedAt);
}

/// <summary>A new account; <see cref="Role"/> is <c>member</c> (the default) or <c>admin</c>, a left-out display name is the login.</summary>
public sealed record UserRequest(string? Login, string? DisplayName, string? Password, string? Role);

public sealed record UserRoleRequest(string? Role);

public sealed record UserPasswordRequest(string? Password);
