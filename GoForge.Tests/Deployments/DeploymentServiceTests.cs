using GoForge.Core.Common;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Deployments;

[Collection(PostgresCollection.Name)]
public sealed class DeploymentServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;
    private Actor _owner = null!;
    private Guid _appId;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "deployments");
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
        var project = (await _host.Get<ProjectService>().CreateAsync(_owner, new ProjectInput("Deploys", null))).Value!;
        var environment = (await _host.Get<EnvironmentService>().ListAsync(_owner, project.Id)).Value![0];
        _appId = (await _host.Get<ApplicationService>().CreateAsync(_owner, environment.Id,
            new ApplicationInput { Name = "api", GitUrl = "https://example.com/api.git" })).Value!.Id;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private DeploymentService Deployments => _host.Get<DeploymentService>();

    private DeploymentStates States => _host.Get<DeploymentStates>();

    [Fact]
    public async Task A_queued_deployment_is_pending_first_in_line_with_its_first_transition_recorded()
    {
        var deployment = (await Deployments.EnqueueAsync(_owner, _appId)).Value!;

        Assert.Equal(DeploymentState.Pending, (await Deployments.GetAsync(_owner, deployment.Id)).Value!.State);
        Assert.Equal(1, (await Deployments.QueuePositionAsync(_owner, deployment.Id)).Value);
        var history = (await Deployments.HistoryAsync(_owner, deployment.Id)).Value!;
        Assert.Equal((null, DeploymentState.Pending, _owner.UserId), (history[0].From, history[0].To, history[0].ActorUserId));
    }

    [Fact]
    public async Task A_newer_deployment_supersedes_an_older_pending_one_of_the_same_application()
    {
        var older = (await Deployments.EnqueueAsync(_owner, _appId)).Value!;
        var newer = (await Deployments.EnqueueAsync(_owner, _appId)).Value!;

        var olderNow = (await Deployments.GetAsync(_owner, older.Id)).Value!;
        Assert.Equal(DeploymentState.Superseded, olderNow.State);
        Assert.Equal($"superseded by {newer.Id}", olderNow.Reason);
        Assert.Equal(DeploymentState.Pending, (await Deployments.GetAsync(_owner, newer.Id)).Value!.State);
        Assert.Null((await Deployments.QueuePositionAsync(_owner, older.Id)).Value);
    }

    [Fact]
    public async Task The_worker_path_records_every_step_in_order()
    {
        var deployment = (await Deployments.EnqueueAsync(_owner, _appId)).Value!;

        foreach (var trigger in new[] { DeploymentTrigger.Start, DeploymentTrigger.CloneSucceeded, DeploymentTrigger.BuildSucceeded, DeploymentTrigger.BecameHealthy })
        {
            Assert.True((await States.TransitionAsync(deployment.Id, trigger, TransitionRequest.System(trigger.ToString()))).IsSuccess);
        }

        var history = (await Deployments.HistoryAsync(_owner, deployment.Id)).Value!;
        Assert.Equal(
            [DeploymentState.Pending, DeploymentState.Cloning, DeploymentState.Building, DeploymentState.Deploying, DeploymentState.Running],
            history.Select(h => h.To));
        Assert.Equal(DeploymentState.Running, (await Deployments.GetAsync(_owner, deployment.Id)).Value!.State);
    }

    [Fact]
    public async Task Cancel_works_while_building_but_not_once_deploying()
    {
        var building = (await Deployments.EnqueueAsync(_owner, _appId)).Value!;
        await States.TransitionAsync(building.Id, DeploymentTrigger.Start, TransitionRequest.System());
        await States.TransitionAsync(building.Id, DeploymentTrigger.CloneSucceeded, TransitionRequest.System());

        var canceled = await Deployments.CancelAsync(_owner, building.Id);
        Assert.Equal(DeploymentState.Canceled, canceled.Value!.State);

        var deploying = (await Deployments.EnqueueAsync(_owner, _appId)).Value!;
        foreach (var t in new[] { DeploymentTrigger.Start, DeploymentTrigger.CloneSucceeded, DeploymentTrigger.BuildSucceeded })
        {
            await States.TransitionAsync(deploying.Id, t, TransitionRequest.System());
        }

        var refused = await Deployments.CancelAsync(_owner, deploying.Id);
        Assert.Equal(ErrorKind.Conflict, refused.Error!.Kind);
        Assert.Equal(DeploymentState.Deploying, (await Deployments.GetAsync(_owner, deploying.Id)).Value!.State);
    }

    [Fact]
    public async Task Of_two_racing_changes_from_the_same_state_only_one_is_recorded()
    {
        var deployment = (await Deployments.EnqueueAsync(_owner, _appId)).Value!;
        await States.TransitionAsync(deployment.Id, DeploymentTrigger.Start, TransitionRequest.System());

        // Both read "Cloning"; the repository only applies a change to a row still in its starting state.
        var repository = _host.Get<IDeploymentRepository>();
        var first = await repository.TryTransitionAsync(deployment.Id, DeploymentState.Cloning, DeploymentState.Building, "clone ok", null, DateTimeOffset.UtcNow);
        var second = await repository.TryTransitionAsync(deployment.Id, DeploymentState.Cloning, DeploymentState.Canceled, "user", null, DateTimeOffset.UtcNow);

        Assert.True(first);
        Assert.False(second);
        var history = (await Deployments.HistoryAsync(_owner, deployment.Id)).Value!;
        Assert.Equal([DeploymentState.Pending, DeploymentState.Cloning, DeploymentState.Building], history.Select(h => h.To));
    }

    [Theory]
    [InlineData("main")]
    [InlineData("abc")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF01")]
    [InlineData("0123456789abcdef0123456789abcdef0123456\n")]
    [InlineData("--upload-pack=x")]
    public async Task Only_full_lower_case_commit_ids_are_accepted(string sha)
    {
        var result = await Deployments.EnqueueAsync(_owner, _appId, sha);

        Assert.Contains("CommitSha", result.Error!.FieldErrors.Keys);
        Assert.Empty((await Deployments.ListAsync(_owner, _appId)).Value!);
    }

    [Fact]
    public async Task Deleting_the_application_removes_its_deployments_and_their_history()
    {
        var deployment = (await Deployments.EnqueueAsync(_owner, _appId)).Value!;

        Assert.True((await _host.Get<ApplicationService>().DeleteAsync(_owner, _appId)).IsSuccess);

        Assert.Null(await _host.Get<IDeploymentRepository>().GetAsync(deployment.Id));
        Assert.Empty(await _host.Get<IDeploymentRepository>().ListTransitionsAsync(deployment.Id));
    }
}
