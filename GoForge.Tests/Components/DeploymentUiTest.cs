using Bunit;
using GoForge.Core.Common.Live;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Components;

/// <summary>
/// Deployment components over the real Core and Infrastructure on a fresh PostgreSQL database (there is no in-memory
/// deployment store: queue positions and transitions are SQL). No worker runs, so deployments stay where a test puts them.
/// </summary>
public abstract class DeploymentUiTest(PostgresFixture postgres) : GoForgeTestContext
{
    private TestHost _host = null!;
    private User _owner = null!;

    protected Actor Owner { get; private set; } = null!;

    protected Project Project { get; private set; } = null!;

    protected Application App { get; private set; } = null!;

    protected DeploymentService Deployments => _host.Get<DeploymentService>();

    protected DeploymentStates States => _host.Get<DeploymentStates>();

    protected override async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "deployui");
        Services.AddFallbackServiceProvider(_host.Services);
        Services.AddScoped<CurrentUser>();
        _owner = await TestUsers.CreateAsync(_host);
        Owner = Actor.From(_owner);
        (Project, var production) = await _host.Services.CreateProjectAsync(Owner, "Shop");
        App = await _host.Services.CreateApplicationAsync(Owner, production.Id, "api");
    }

    protected override async ValueTask DisposeResourcesAsync() => await _host.DisposeAsync();

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

    protected async Task<Deployment> EnqueueAsync()
    {
        var queued = await Deployments.EnqueueAsync(Owner, App.Id);
        Assert.True(queued.IsSuccess, queued.Error?.Message);
        return queued.Value;
    }

    /// <summary>Stores log lines as the runner does and publishes them on the feed.</summary>
    protected async Task AppendLogAsync(Guid deploymentId, params string[] lines)
    {
        var stored = await _host.Get<IDeploymentRepository>().AppendLogAsync(deploymentId, lines, DateTimeOffset.UtcNow);
        _host.Get<ChangeFeed<DeploymentUpdate>>().Publish(new DeploymentLogAppended(deploymentId, App.Id, stored));
    }

    /// <summary>Stores log lines without publishing them.</summary>
    protected async Task StoreLogAsync(Guid deploymentId, params string[] lines) =>
        await _host.Get<IDeploymentRepository>().AppendLogAsync(deploymentId, lines, DateTimeOffset.UtcNow);

    /// <summary>Drives a deployment through the worker's triggers, as the worker would.</summary>
    protected async Task TransitionAsync(Guid deploymentId, params DeploymentTrigger[] triggers)
    {
        foreach (var trigger in triggers)
        {
            var moved = await States.TransitionAsync(deploymentId, trigger, TransitionRequest.System(trigger.ToString()));
            Assert.True(moved.IsSuccess, moved.Error?.Message);
        }
    }
}
