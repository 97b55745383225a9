using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Services;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Auth;
using Microsoft.Extensions.DependencyInjection;
using Actor = GoForge.Core.Identity.Actor;

namespace GoForge.Tests.Components;

/// <summary>
/// Service components over the real Core and Infrastructure: a fresh PostgreSQL database, the shared Docker engine,
/// and a template folder with the test template (its image built locally) and one whose image no registry has.
/// Containers and volumes of the test's project are removed afterwards.
/// </summary>
public abstract class ServiceUiTest(PostgresFixture postgres, DockerFixture docker) : GoForgeTestContext
{
    private TestTemplateFolder _templates = null!;
    private TestHost _host = null!;
    private User _owner = null!;

    protected Actor Owner { get; private set; } = null!;

    protected Project Project { get; private set; } = null!;

    protected ProjectEnvironment Production { get; private set; } = null!;

    protected ServiceInstanceService ServiceInstances => _host.Get<ServiceInstanceService>();

    protected IServiceProvider HostServices => _host.Services;

    protected DockerFixture Docker => docker;

    protected override async Task InitializeAsync()
    {
        _templates = await TestTemplateFolder.CreateAsync(docker);
        _host = await TestHost.StartAsync(postgres, "serviceui", new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:Catalog:TemplateFolder"] = _templates.Path,
        });
        Services.AddFallbackServiceProvider(_host.Services);
        Services.AddScoped<CurrentUser>();
        _owner = await TestUsers.CreateAsync(_host);
        Owner = Actor.From(_owner);
        (Project, Production) = await _host.Services.CreateProjectAsync(Owner, $"Svc {Guid.NewGuid():N}"[..14]);
    }

    protected override async ValueTask DisposeResourcesAsync()
    {
        await _host.Services.RemoveProjectServicesAsync(Project.Id);
        await _host.DisposeAsync();
        _templates.Dispose();
    }

    /// <summary>Signs in a new user with <paramref name="role"/> in the project, or no role at all (an outsider).</summary>
    protected async Task<Actor> SignInAsync(ProjectRole? role)
    {
        var user = await TestUsers.CreateAsync(_host);
        if (role is { } given)
        {
            await _host.Services.AddMemberAsync(Owner, Project.Id, user.Login, given);
        }

        return this.SignIn(user);
    }

    /// <summary>Signs in the project's owner (a maintainer).</summary>
    protected Actor SignInOwner() => this.SignIn(_owner);

    /// <summary>The volumes the engine has for this project's services.</summary>
    protected async Task<IReadOnlyList<string>> VolumesAsync() =>
        await _host.Get<IVolumeStore>().ListVolumesAsync(new Dictionary<string, string> { [ServiceLabels.Project] = Project.Id.ToString() });

    /// <summary>The containers the engine has for this project's services, running or not.</summary>
    protected async Task<IList<ContainerListResponse>> ContainersAsync() =>
        await docker.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{ServiceLabels.Project}={Project.Id}"] = true } },
        });
}
