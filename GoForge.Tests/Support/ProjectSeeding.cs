using GoForge.Core.Identity;
using GoForge.Core.Projects;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Support;

/// <summary>Creates projects and applications through the real Core services, as a given actor.</summary>
public static class ProjectSeeding
{
    public static async Task<(Project Project, ProjectEnvironment Production)> CreateProjectAsync(this IServiceProvider services, Actor actor, string name)
    {
        var project = await services.GetRequiredService<ProjectService>().CreateAsync(actor, new ProjectInput(name, null));
        Assert.True(project.IsSuccess, project.Error?.Message);
        var environments = await services.GetRequiredService<EnvironmentService>().ListAsync(actor, project.Value.Id);
        return (project.Value, Assert.Single(environments.Value!));
    }

    public static async Task<Application> CreateApplicationAsync(this IServiceProvider services, Actor actor, Guid environmentId, string name)
    {
        var input = new ApplicationInput { Name = name, GitUrl = "https://git.example.com/acme/shop.git", Domains = $"{name.ToLowerInvariant()}.example.com" };
        var app = await services.GetRequiredService<ApplicationService>().CreateAsync(actor, environmentId, input);
        Assert.True(app.IsSuccess, app.Error?.Message);
        return app.Value;
    }

    /// <summary>
    /// A compose application (<c>deploy/compose.yaml</c>) whose service <c>web</c> is routed at <c>{name}.example.com</c>,
    /// with a variable <c>WORKER_ONLY</c> that reaches service <c>worker</c> only.
    /// </summary>
    public static async Task<Application> CreateComposeApplicationAsync(this IServiceProvider services, Actor actor, Guid environmentId, string name)
    {
        var input = new ApplicationInput
        {
            Name = name,
            Source = ApplicationSourceKind.Compose,
            GitUrl = "https://git.example.com/acme/stack.git",
            ComposePath = "deploy/compose.yaml",
            Domains = $"web: {name.ToLowerInvariant()}.example.com",
        };
        var app = await services.GetRequiredService<ApplicationService>().CreateAsync(actor, environmentId, input);
        Assert.True(app.IsSuccess, app.Error?.Message);
        var variable = await services.GetRequiredService<VariableService>().SetAsync(actor, app.Value.Id, new VariableInput("WORKER_ONLY", "1", Services: ["worker"]));
        Assert.True(variable.IsSuccess, variable.Error?.Message);
        return app.Value;
    }

    public static async Task AddMemberAsync(this IServiceProvider services, Actor maintainer, Guid projectId, string login, ProjectRole role)
    {
        var result = await services.GetRequiredService<MembershipService>().SetAsync(maintainer, projectId, login, role);
        Assert.True(result.IsSuccess, result.Error?.Message);
    }
}
