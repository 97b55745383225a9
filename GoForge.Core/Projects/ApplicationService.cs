using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;

namespace GoForge.Core.Projects;

/// <summary>What a user enters for an application (forms bind to it directly). Domains are text: one per line, <c>host</c> or <c>host/path</c>.</summary>
public sealed record ApplicationInput
{
    public string? Name { get; set; }

    public string? GitUrl { get; set; }

    public string? Branch { get; set; } = "main";

    public string? BuildContext { get; set; } = ".";

    public string? DockerfilePath { get; set; } = "Dockerfile";

    /// <summary>The Dockerfile stage to build; empty builds the last stage.</summary>
    public string? BuildTarget { get; set; }

    public int? ContainerPort { get; set; } = 8080;

    public string? Domains { get; set; }

    public string? HealthCheckPath { get; set; }

    public int? MemoryLimitMb { get; set; }

    public decimal? CpuLimit { get; set; }

    /// <summary>The process limit; empty for the default (<see cref="ContainerHardening.DefaultPidsLimit"/>).</summary>
    public int? PidsLimit { get; set; } = ContainerHardening.DefaultPidsLimit;

    public bool AllowRawSockets { get; set; }

    public RestartPolicy RestartPolicy { get; set; } = RestartPolicy.UnlessStopped;

    public bool AutoDeploy { get; set; } = true;

    /// <summary>Git (the default) or a registry image; an image application needs no Git fields.</summary>
    public ApplicationSourceKind Source { get; set; } = ApplicationSourceKind.Git;

    /// <summary>The registry image (<see cref="Containers.ImageReference"/>) of an image application.</summary>
    public string? ImageReference { get; set; }

    /// <summary>Minutes between digest checks of an image application; empty for never.</summary>
    public int? DigestCheckMinutes { get; set; }

    /// <summary>A compose application's compose file in the repository (<see cref="ComposeSourceRules"/>); empty for <c>compose.yaml</c>.</summary>
    public string? ComposePath { get; set; }

    public static ApplicationInput From(Application app) => new()
    {
        Name = app.Name,
        GitUrl = app.GitUrl,
        Branch = app.Branch,
        BuildContext = app.BuildContext,
        DockerfilePath = app.DockerfilePath,
        BuildTarget = app.BuildTarget,
        ContainerPort = app.ContainerPort,
        Domains = string.Join('\n', app.Domains.Select(d => d.ToInputText())),
        HealthCheckPath = app.HealthCheckPath,
        MemoryLimitMb = app.MemoryLimitMb,
        CpuLimit = app.CpuLimit,
        PidsLimit = app.PidsLimit,
        AllowRawSockets = app.AllowRawSockets,
        RestartPolicy = app.RestartPolicy,
        AutoDeploy = app.AutoDeploy,
        Source = app.Source,
        ImageReference = app.ImageReference,
        DigestCheckMinutes = app.DigestCheckMinutes,
        ComposePath = app.ComposePath,
    };
}

/// <summary>Applications of an environment: list, create, change, delete.</summary>
public sealed class ApplicationService(
    IApplicationRepository applications,
    IEnvironmentRepository environments,
    ProjectAccess access,
    IApplicationTeardown applicationTeardown,
    DomainRules domainRules,
    IAuditLog audit,
    TimeProvider time,
    RepositoryNetworkSettings repositoryNetwork)
{
    private const string What = "application";

    public async Task<Result<IReadOnlyList<Application>>> ListAsync(Actor actor, Guid environmentId, CancellationToken ct = default)
    {
        var environment = await environments.GetAsync(environmentId, ct);
        if (environment is null)
        {
            return ProjectAccess.NotFound("environment");
        }

        var allowed = await access.CheckAsync(actor, environment.ProjectId, ProjectAction.View, "environment", ct);
        return allowed.IsSuccess ? Result<IReadOnlyList<Application>>.Ok(await applications.ListByEnvironmentAsync(environmentId, ct)) : allowed.Error;
    }

    public Task<Result<Application>> GetAsync(Actor actor, Guid applicationId, CancellationToken ct = default) =>
        FindAsync(actor, applicationId, ProjectAction.View, ct);

    public async Task<Result<Application>> CreateAsync(Actor actor, Guid environmentId, ApplicationInput input, CancellationToken ct = default)
    {
        var environment = await environments.GetAsync(environmentId, ct);
        if (environment is null)
        {
            return ProjectAccess.NotFound("environment");
        }

        var allowed = await access.CheckAsync(actor, environment.ProjectId, ProjectAction.Manage, "environment", ct);
        if (!allowed.IsSuccess)
        {
            return allowed.Error;
        }

        var now = time.GetUtcNow();
        var built = Build(input, Guid.CreateVersion7(now), environment, now, now);
        if (!built.IsSuccess)
        {
            return built.Error;
        }

        if (built.Value.Source != ApplicationSourceKind.Image && await RefuseLocalRepositoryAsync(built.Value.GitUrl, ct) is { } refused)
        {
            return refused;
        }

        var outcome = await applications.TryCreateAsync(built.Value, ct);
        if (await ExplainAsync(outcome, built.Value, ct) is { } error)
        {
            return error;
        }

        await audit.RecordAsync(time, actor, built.Value.ProjectId, AuditActions.ApplicationCreated, $"application:{built.Value.Slug}", $"environment {environmentId}", ct);
        return built.Value;
    }

    public async Task<Result<Application>> UpdateAsync(Actor actor, Guid applicationId, ApplicationInput input, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, applicationId, ProjectAction.Manage, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var environment = await environments.GetAsync(found.Value.EnvironmentId, ct);
        if (environment is null)
        {
            return ProjectAccess.NotFound(What);
        }

        if (ComposeSourceRules.RefuseKindChange(found.Value.Source, input.Source) is { } kindChange)
        {
            return kindChange;
        }

        var built = Build(input, applicationId, environment, found.Value.CreatedAt, time.GetUtcNow());
        if (!built.IsSuccess)
        {
            return built.Error;
        }

        if (built.Value.Source != ApplicationSourceKind.Image && await RefuseLocalRepositoryAsync(built.Value.GitUrl, ct) is { } refused)
        {
            return refused;
        }

        var updated = built.Value with { Slug = found.Value.Slug };
        var outcome = await applications.TryUpdateAsync(updated, ct);
        if (await ExplainAsync(outcome, updated, ct) is { } error)
        {
            return error;
        }

        // A domain change is a routing change: the event says which hosts the application answered before and after.
        await audit.RecordAsync(time, actor, updated.ProjectId, AuditActions.ApplicationUpdated, $"application:{updated.Slug}", DescribeDomainChange(found.Value, updated), ct);
        return updated;
    }

    /// <summary>
    /// Deletes the application: its route, containers and images first (<see cref="IApplicationTeardown"/>), then its
    /// rows (variables, deployments and routing go with it). When the proxy or engine fails nothing is deleted, so
    /// deleting again finishes the job.
    /// </summary>
    public async Task<Result> DeleteAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, applicationId, ProjectAction.Manage, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var teardown = await applicationTeardown.TearDownAsync([applicationId], ct);
        if (!teardown.IsSuccess)
        {
            return teardown;
        }

        await applications.DeleteAsync(applicationId, ct);
        await audit.RecordAsync(time, actor, found.Value.ProjectId, AuditActions.ApplicationDeleted, $"application:{found.Value.Slug}", ct: ct);
        return Result.Success;
    }

    /// <summary>Loads the application when the actor may do <paramref name="action"/> in its project; not found otherwise.</summary>
    internal async Task<Result<Application>> FindAsync(Actor actor, Guid applicationId, ProjectAction action, CancellationToken ct)
    {
        var application = await applications.GetAsync(applicationId, ct);
        if (application is null)
        {
            return ProjectAccess.NotFound(What);
        }

        var allowed = await access.CheckAsync(actor, application.ProjectId, action, What, ct);
        return allowed.IsSuccess ? application : allowed.Error;
    }

    /// <summary>
    /// A local path, <c>localhost</c> or an address literal of the panel's own host or network, refused while local and
    /// private repositories are not allowed. Host names are checked by the Git client when it connects.
    /// </summary>
    private async Task<Error?> RefuseLocalRepositoryAsync(string gitUrl, CancellationToken ct)
    {
        if (RepositoryNetworkRules.SyntacticRefusal(gitUrl) is not { } reason || await repositoryNetwork.AllowsLocalAndPrivateAsync(ct))
        {
            return null;
        }

        var errors = new FieldErrors();
        errors.Add(nameof(ApplicationInput.GitUrl), reason);
        return errors.ToError();
    }

    private Result<Application> Build(ApplicationInput input, Guid id, ProjectEnvironment environment, DateTimeOffset createdAt, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        ProjectInputRules.ValidateName(input.Name, errors);
        var image = ImageSourceRules.Validate(input, errors);
        if (input.Source == ApplicationSourceKind.Git)
        {
            ProjectInputRules.ValidateGitUrl(input.GitUrl, errors);
            ProjectInputRules.ValidateBranch(input.Branch, errors);
            ProjectInputRules.ValidateRepositoryPath(input.BuildContext, errors, nameof(ApplicationInput.BuildContext), allowRoot: true);
            ProjectInputRules.ValidateRepositoryPath(input.DockerfilePath, errors, nameof(ApplicationInput.DockerfilePath), allowRoot: false);
            BuildTargetRules.Validate(input.BuildTarget, errors, nameof(ApplicationInput.BuildTarget));
        }

        ComposeSourceRules.Validate(input, errors);

        ProjectInputRules.ValidatePort(input.ContainerPort, errors);
        ProjectInputRules.ValidateHealthCheckPath(input.HealthCheckPath, errors);
        ProjectInputRules.ValidateLimits(input.MemoryLimitMb, input.CpuLimit, errors);
        ContainerHardening.ValidatePidsLimit(input.PidsLimit, errors);
        if (!Enum.IsDefined(input.RestartPolicy))
        {
            errors.Add(nameof(ApplicationInput.RestartPolicy), "Choose a restart policy.");
        }

        var domains = ProjectInputRules.ParseDomains(input.Domains, errors, compose: input.Source == ApplicationSourceKind.Compose);
        domainRules.CheckReserved(domains, errors, nameof(ApplicationInput.Domains));
        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        var application = new Application
        {
            Id = id,
            ProjectId = environment.ProjectId,
            EnvironmentId = environment.Id,
            Name = ProjectInputRules.NormalizeName(input.Name),
            Slug = ProjectInputRules.Slugify(input.Name),
            GitUrl = (input.GitUrl ?? string.Empty).Trim(),
            Branch = (input.Branch ?? string.Empty).Trim(),
            BuildContext = ProjectInputRules.NormalizeRepositoryPath(input.BuildContext ?? "."),
            DockerfilePath = ProjectInputRules.NormalizeRepositoryPath(input.DockerfilePath ?? "Dockerfile"),
            BuildTarget = input.Source == ApplicationSourceKind.Git ? BuildTargetRules.Normalize(input.BuildTarget) : null,
            ContainerPort = input.ContainerPort!.Value,
            Domains = domains,
            HealthCheckPath = string.IsNullOrWhiteSpace(input.HealthCheckPath) ? null : input.HealthCheckPath,
            MemoryLimitMb = input.MemoryLimitMb,
            CpuLimit = input.CpuLimit,
            PidsLimit = input.PidsLimit ?? ContainerHardening.DefaultPidsLimit,
            AllowRawSockets = input.AllowRawSockets,
            RestartPolicy = input.RestartPolicy,
            AutoDeploy = input.AutoDeploy,
            CreatedAt = createdAt,
            UpdatedAt = now,
        };
        return input.Source == ApplicationSourceKind.Compose ? ComposeSourceRules.Apply(application, input.ComposePath)
            : image is null ? application : ImageSourceRules.Apply(application, image, input.DigestCheckMinutes);
    }

    private async Task<Error?> ExplainAsync(SaveOutcome outcome, Application application, CancellationToken ct) => outcome switch
    {
        SaveOutcome.Saved => null,
        SaveOutcome.SlugTaken => Error.Validation("Name", $"This environment already has an application named like '{application.Slug}'."),
        SaveOutcome.DomainTaken => await domainRules.ExplainTakenAsync(
            new DomainClaimant(application.ProjectId, DomainHolderKind.Application, application.Id), application.Domains, nameof(ApplicationInput.Domains), ct),
        SaveOutcome.NotFound => ProjectAccess.NotFound(What),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    private static string? DescribeDomainChange(Application before, Application after)
    {
        static string Hosts(Application a) => a.Domains.Count == 0 ? "none" : string.Join(", ", a.Domains.Select(d => $"{d.Host}{d.PathPrefix}"));
        var (was, now) = (Hosts(before), Hosts(after));
        return was == now ? null : $"domains before: {was}; after: {now}";
    }
}
