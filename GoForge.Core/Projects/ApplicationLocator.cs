using GoForge.Core.Common;
using GoForge.Core.Identity;

namespace GoForge.Core.Projects;

/// <summary>
/// Finds an application from what a person types: its id, or the slug path <c>project/environment/application</c>.
/// Every step goes through the project services, so an application the actor may not see is simply not found.
/// </summary>
public sealed class ApplicationLocator(ProjectService projects, EnvironmentService environments, ApplicationService applications)
{
    public const int MaxReferenceLength = 300;

    private static readonly Error NoSuchApplication = ProjectAccess.NotFound("application");

    public async Task<Result<Application>> FindAsync(Actor actor, string? reference, CancellationToken ct = default)
    {
        var text = (reference ?? string.Empty).Trim();
        if (text.Length is 0 or > MaxReferenceLength)
        {
            return Unreadable();
        }

        if (Guid.TryParse(text, out var id))
        {
            return await applications.GetAsync(actor, id, ct);
        }

        var parts = text.Split('/');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
        {
            return Unreadable();
        }

        var project = (await projects.ListAsync(actor, ct)).Select(s => s.Project).FirstOrDefault(p => SameSlug(p.Slug, parts[0]));
        if (project is null)
        {
            return NoSuchApplication;
        }

        var envs = await environments.ListAsync(actor, project.Id, ct);
        var environment = envs.IsSuccess ? envs.Value!.FirstOrDefault(e => SameSlug(e.Slug, parts[1])) : null;
        if (environment is null)
        {
            return NoSuchApplication;
        }

        var apps = await applications.ListAsync(actor, environment.Id, ct);
        var app = apps.IsSuccess ? apps.Value!.FirstOrDefault(a => SameSlug(a.Slug, parts[2])) : null;
        return app is null ? NoSuchApplication : app;
    }

    private static bool SameSlug(string slug, string typed) => string.Equals(slug, typed, StringComparison.OrdinalIgnoreCase);

    private static Error Unreadable() =>
        Error.Validation("Application", "Name the application by its id or as project/environment/application (their slugs).");
}
