using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Applications;

/// <summary>The project and environment above an application page, with the viewer's role: for breadcrumbs and for which buttons to show.</summary>
public sealed record ProjectTrail(Project Project, ProjectEnvironment Environment, ProjectRole Role)
{
    public string ProjectHref => $"/projects/{Project.Id}";

    /// <summary>The project page with this environment's tab open.</summary>
    public string EnvironmentHref => $"/projects/{Project.Id}?env={Environment.Id}";

    public static async Task<Result<ProjectTrail>> LoadAsync(
        Actor actor, Guid environmentId, EnvironmentService environments, ProjectService projects, ProjectAccess access)
    {
        var environment = await environments.GetAsync(actor, environmentId);
        if (!environment.IsSuccess)
        {
            return environment.Error;
        }

        var project = await projects.GetAsync(actor, environment.Value.ProjectId);
        var role = await access.CheckAsync(actor, environment.Value.ProjectId, ProjectAction.View);
        if (!project.IsSuccess || !role.IsSuccess)
        {
            return (project.Error ?? role.Error)!;
        }

        return new ProjectTrail(project.Value, environment.Value, role.Value);
    }

    /// <summary>Projects › project › environment › <paramref name="last"/> (the current page, not a link).</summary>
    public List<BreadcrumbItem> Breadcrumbs(string last) =>
    [
        new("Projects", "/projects"),
        new(Project.Name, ProjectHref),
        new(Environment.Name, EnvironmentHref),
        new(last, href: null, disabled: true),
    ];
}
