using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;

namespace GoForge.Core.Projects;

/// <summary>Environments of a project: list, add, rename, delete.</summary>
public sealed class EnvironmentService(
    IEnvironmentRepository environments,
    IApplicationRepository applications,
    IApplicationTeardown applicationTeardown,
    ProjectAccess access,
    IAuditLog audit,
    TimeProvider time)
{
    private const string What = "environment";

    public async Task<Result<IReadOnlyList<ProjectEnvironment>>> ListAsync(Actor actor, Guid projectId, CancellationToken ct = default)
    {
        var allowed = await access.CheckAsync(actor, projectId, ProjectAction.View, ct: ct);
        return allowed.IsSuccess ? Result<IReadOnlyList<ProjectEnvironment>>.Ok(await environments.ListAsync(projectId, ct)) : allowed.Error;
    }

    public Task<Result<ProjectEnvironment>> GetAsync(Actor actor, Guid environmentId, CancellationToken ct = default) =>
        FindAsync(actor, environmentId, ProjectAction.View, ct);

    public async Task<Result<ProjectEnvironment>> CreateAsync(Actor actor, Guid projectId, string? name, CancellationToken ct = default)
    {
        var allowed = await access.CheckAsync(actor, projectId, ProjectAction.Manage, ct: ct);
        if (!allowed.IsSuccess)
        {
            return allowed.Error;
        }

        var errors = new FieldErrors();
        ProjectInputRules.ValidateName(name, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        var now = time.GetUtcNow();
        var environment = new ProjectEnvironment
        {
            Id = Guid.CreateVersion7(now),
            ProjectId = projectId,
            Name = ProjectInputRules.NormalizeName(name),
            Slug = ProjectInputRules.Slugify(name),
            CreatedAt = now,
        };
        var outcome = await environments.TryCreateAsync(environment, ct);
        if (outcome == SaveOutcome.SlugTaken)
        {
            return Error.Validation("Name", $"This project already has an environment named like '{environment.Slug}'.");
        }

        await audit.RecordAsync(time, actor, projectId, AuditActions.EnvironmentCreated, $"environment:{environment.Slug}", $"project {projectId}", ct);
        return environment;
    }

    public async Task<Result> RenameAsync(Actor actor, Guid environmentId, string? name, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, environmentId, ProjectAction.Manage, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var errors = new FieldErrors();
        ProjectInputRules.ValidateName(name, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        await environments.RenameAsync(environmentId, ProjectInputRules.NormalizeName(name), ct);
        await audit.RecordAsync(time, actor, found.Value.ProjectId, AuditActions.EnvironmentRenamed, $"environment:{found.Value.Slug}", ProjectInputRules.NormalizeName(name), ct);
        return Result.Success;
    }

    /// <summary>Deletes the environment with its applications and their variables.</summary>
    public async Task<Result> DeleteAsync(Actor actor, Guid environmentId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, environmentId, ProjectAction.Manage, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        // The rows of its applications go with it (ON DELETE CASCADE); their routes, containers and images first.
        var apps = await applications.ListByEnvironmentAsync(environmentId, ct);
        var teardown = await applicationTeardown.TearDownAsync(apps.Select(a => a.Id).ToList(), ct);
        if (!teardown.IsSuccess)
        {
            return teardown;
        }

        await environments.DeleteAsync(environmentId, ct);
        await audit.RecordAsync(time, actor, found.Value.ProjectId, AuditActions.EnvironmentDeleted, $"environment:{found.Value.Slug}", $"project {found.Value.ProjectId}", ct);
        return Result.Success;
    }

    private async Task<Result<ProjectEnvironment>> FindAsync(Actor actor, Guid environmentId, ProjectAction action, CancellationToken ct)
    {
        var environment = await environments.GetAsync(environmentId, ct);
        if (environment is null)
        {
            return ProjectAccess.NotFound(What);
        }

        var allowed = await access.CheckAsync(actor, environment.ProjectId, action, What, ct);
        return allowed.IsSuccess ? environment : allowed.Error;
    }
}
