using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Cli;

namespace GoForge.Tests.Cli;

/// <summary>
/// <c>deploy</c> and <c>status</c> against the real database. No worker runs here: the test moves the queued
/// deployment through its states as the panel's worker would, and the CLI's --wait must follow the recorded state.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CliDeployTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;
    private CliRunner _cli = null!;
    private Application _app = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "cli_deploy");
        _cli = new CliRunner(_host.ConnectionString, _host.DataPath);
        var (_, production) = await _host.Services.CreateProjectAsync(CliSecretsSeed.Admin, "Shop");
        _app = await _host.Services.CreateApplicationAsync(CliSecretsSeed.Admin, production.Id, "web");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Deploy_by_slug_path_queues_a_pending_deployment_requested_by_no_account()
    {
        var run = await _cli.RunAsync("deploy", "shop/production/web");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var deployment = Assert.Single(await _host.Get<IDeploymentRepository>().ListByApplicationAsync(_app.Id, 10));
        Assert.Equal(DeploymentState.Pending, deployment.State);
        Assert.Null(deployment.RequestedBy);
        Assert.Contains(deployment.Id.ToString(), run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_wait_follows_the_recorded_states_and_ends_ok_when_the_deployment_runs()
    {
        var waiting = _cli.RunAsync("deploy", _app.Id.ToString(), "--wait", "--timeout", "2m");
        var id = await PendingDeploymentAsync();

        var states = _host.Get<DeploymentStates>();
        foreach (var trigger in new[] { DeploymentTrigger.Start, DeploymentTrigger.CloneSucceeded, DeploymentTrigger.BuildSucceeded, DeploymentTrigger.BecameHealthy })
        {
            Assert.True((await states.TransitionAsync(id, trigger, TransitionRequest.System())).IsSuccess, trigger.ToString());
        }

        var run = await waiting.WaitAsync(Wait.DefaultTimeout);
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Contains($"Deployment {id} is running.", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_wait_ends_failed_with_the_reason_when_the_deployment_fails()
    {
        var waiting = _cli.RunAsync("deploy", "Shop/Production/Web", "--wait");
        var id = await PendingDeploymentAsync();

        var states = _host.Get<DeploymentStates>();
        Assert.True((await states.TransitionAsync(id, DeploymentTrigger.Start, TransitionRequest.System())).IsSuccess);
        Assert.True((await states.TransitionAsync(id, DeploymentTrigger.Fail, TransitionRequest.System("the build broke"))).IsSuccess);

        var run = await waiting.WaitAsync(Wait.DefaultTimeout);
        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("the build broke", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_wait_that_runs_out_of_time_ends_timed_out_and_leaves_the_deployment_queued()
    {
        var run = await _cli.RunAsync("deploy", _app.Id.ToString(), "--wait", "--timeout", "1s");

        Assert.Equal(ExitCodes.TimedOut, run.ExitCode);
        Assert.Contains("had not settled", run.Error, StringComparison.Ordinal);
        Assert.Equal(DeploymentState.Pending, Assert.Single(await _host.Get<IDeploymentRepository>().ListByApplicationAsync(_app.Id, 10)).State);
    }

    [Theory]
    [InlineData("shop/production/nope", ExitCodes.NotFound)]
    [InlineData("00000000-0000-0000-0000-000000000001", ExitCodes.NotFound)]
    [InlineData("shop/../../etc/passwd", ExitCodes.Usage)]
    [InlineData("just-a-name", ExitCodes.Usage)]
    public async Task Deploy_of_an_unknown_or_unreadable_application_has_its_exit_code_and_queues_nothing(string reference, int expected)
    {
        var run = await _cli.RunAsync("deploy", reference);

        Assert.Equal(expected, run.ExitCode);
        Assert.Empty(await _host.Get<IDeploymentRepository>().ListByApplicationAsync(_app.Id, 10));
    }

    [Fact]
    public async Task Deploy_with_a_bad_timeout_is_a_usage_error()
    {
        var run = await _cli.RunAsync("deploy", _app.Id.ToString(), "--wait", "--timeout", "soon");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--timeout takes a duration", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_lists_every_application_with_its_latest_deployment_and_shows_one_deployment()
    {
        var never = await _cli.RunAsync("status");
        Assert.Equal(ExitCodes.Ok, (await _cli.RunAsync("deploy", "shop/production/web")).ExitCode);
        var id = await PendingDeploymentAsync();

        var listed = await _cli.RunAsync("status");
        var one = await _cli.RunAsync("status", "--deployment", id.ToString());
        var unknown = await _cli.RunAsync("status", "--deployment", Guid.NewGuid().ToString());

        Assert.Contains("shop/production/web  never deployed", never.Out, StringComparison.Ordinal);
        Assert.True(listed.ExitCode == ExitCodes.Ok, listed.ToString());
        Assert.Contains(listed.Out.Split('\n'), l => l.StartsWith("shop/production/web", StringComparison.Ordinal) && l.Contains("pending", StringComparison.Ordinal) && l.Contains(id.ToString(), StringComparison.Ordinal));
        Assert.Contains("state       pending", one.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotFound, unknown.ExitCode);
    }

    private async Task<Guid> PendingDeploymentAsync()
    {
        Guid? id = null;
        await Wait.UntilAsync(async () =>
        {
            var pending = await _host.Get<IDeploymentRepository>().ListByApplicationAsync(_app.Id, 10);
            id = pending.Count == 1 ? pending[0].Id : null;
            return id is not null;
        }, "the CLI to queue a deployment");
        return id!.Value;
    }
}
