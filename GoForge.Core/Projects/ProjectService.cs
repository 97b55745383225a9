using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;

namespace GoForge.Core.Projects;

public sealed record ProjectInput(string? Name, string? Description);

/// <summary>Projects: list what the actor may see, create (the creator becomes maintainer), change, delete.</summary>
public sealed class ProjectService(
    IProjectRepository projects,
    IEnvironmentRepository environments,
    IApplicationRepository applications,
    IApplicationTeardown applicationTeardown,
    ProjectAccess access,
    IAuditLog audit,
    TimeProvider time)
{
    public const string FirstEnvironmentName = "production";

    public async Task<IReadOnlyList<ProjectSummary>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        var visible = await projects.ListAsync(actor.IsAdmin ? null : actor.UserId, ct);
        return actor.ProjectRestriction is null ? visible : visible.Where(p => actor.MayReach(p.Project.Id)).ToList();
    }

    public async Task<Result<Project>> GetAsync(Actor actor, Guid projectId, CancellationToken ct = default)
    {
        var allowed = await access.CheckAsync(actor, projectId, ProjectAction.View, ct: ct);
        if (!allowed.IsSuccess)
        {
            return allowed.Error;
        }

        var project = await projects.GetAsync(projectId, ct);
        return project is null ? ProjectAccess.NotFound("project") : project;
    }

    public async Task<Result<Project>> CreateAsync(Actor actor, ProjectInput input, CancellationToken ct = default)
    {
        if (actor.ProjectRestriction is not null)
        {
            return Error.Forbidden("This token is restricted to one project, so it cannot create projects.");
        }

        var errors = Validate(input);
        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        var now = time.GetUtcNow();
        var name = ProjectInputRules.NormalizeName(input.Name);
        var baseSlug = ProjectInputRules.Slugify(name);
        for (var attempt = 1; attempt <= 50; attempt++)
        {
            var project = new Project
            {
                Id = Guid.CreateVersion7(now),
                Name = name,
                Slug = WithSuffix(baseSlug, attempt),
                Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim(),
                CreatedAt = now,
                UpdatedAt = now,
            };
            var production = new ProjectEnvironment
            {
                Id = Guid.CreateVersion7(now),
                ProjectId = project.Id,
                Name = FirstEnvironmentName,
                Slug = FirstEnvironmentName,
                CreatedAt = now,
            };
            if (await projects.TryCreateAsync(project, production, actor.AccountId, ct) == SaveOutcome.Saved)
            {
                await audit.RecordAsync(time, actor, project.Id, AuditActions.ProjectCreated, $"project:{project.Slug}", ct: ct);
                return project;
            }
        }

        return Error.Validation("Name", "Too many projects have this name; choose another.");
    }

    public async Task<Result> UpdateAsync(Actor actor, Guid projectId, ProjectInput input, CancellationToken ct = default)
    {
        var allowed = await access.CheckAsync(actor, projectId, ProjectAction.Manage, ct: ct);
        if (!allowed.IsSuccess)
        {
            return allowed.Error;
        }

        var errors = Validate(input);
        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        var description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        if (!await projects.UpdateAsync(projectId, ProjectInputRules.NormalizeName(input.Name), description, time.GetUtcNow(), ct))
        {
            return ProjectAccess.NotFound("project");
        }

        await audit.RecordAsync(time, actor, projectId, AuditActions.ProjectUpdated, $"project:{projectId}", ct: ct);
        return Result.Success;
    }

    /// <summary>Deletes the project with all its environments, applications, variables and memberships.</summary>
    public async Task<Result> DeleteAsync(Actor actor, Guid projectId, CancellationToken ct = default)
    {
        var allowed = await access.CheckAsync(actor, projectId, ProjectAction.Manage, ct: ct);
        if (!allowed.IsSuccess)
        {
            return allowed.Error;
        }

        var project = await projects.GetAsync(projectId, ct);
        if (project is null)
        {
            return ProjectAccess.NotFound("project");
        }

        // Environments and applications go with the project's row (ON DELETE CASCADE); their routes, containers and images first.
        var apps = new List<Guid>();
        foreach (var environment in await environments.ListAsync(projectId, ct))
        {
            apps.AddRange((await applications.ListByEnvironmentAsync(environment.Id, ct)).Select(a => a.Id));
        }

        var teardown = await applicationTeardown.TearDownAsync(apps, ct);
        if (!teardown.IsSuccess)
        {
            return teardown;
        }

        if (!await projects.DeleteAsync(projectId, ct))
        {
            return ProjectAccess.NotFound("project");
        }

        await audit.RecordAsync(time, actor, project.Id, AuditActions.ProjectDeleted, $"project:{project.Slug}", ct: ct);
        return Result.Success;
    }

    internal static string WithSuffix(string slug, int attempt)
    {
        if (attempt == 1)
        {
            return slug;
        }

        var suffix = "-" + attempt.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return slug[..Math.Min(slug.Length, ProjectInputRules.SlugMaxLength - suffix.Length)].TrimEnd('-') + suffix;
    }

    private static FieldErrors Validate(ProjectInput input)
    {
        var errors = new FieldErrors();
        ProjectInputRules.ValidateName(input.Name, errors);
        ProjectInputRules.ValidateDescription(input.Description, errors);
        return errors;
    }
}
