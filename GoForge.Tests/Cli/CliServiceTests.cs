using GoForge.Core.Projects;
using GoForge.Core.Services;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Cli;

namespace GoForge.Tests.Cli;

/// <summary>
/// <c>service …</c> against the real database, with the test host's service worker playing the running panel (its
/// engine is unreachable): the CLI queues, and --wait follows the operation to its recorded outcome.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CliServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;
    private CliRunner _cli = null!;
    private ServiceInstance _service = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "cli_service");
        _cli = new CliRunner(_host.ConnectionString, _host.DataPath);
        var (project, production) = await _host.Services.CreateProjectAsync(CliSecretsSeed.Admin, "Shop");
        var preview = (await _host.Get<ServiceInstanceService>().PreviewAsync("postgresql")).Value!;
        var now = DateTimeOffset.UtcNow;
        _service = new ServiceInstance
        {
            Id = Guid.CreateVersion7(now), ProjectId = project.Id, EnvironmentId = production.Id, TemplateId = "postgresql", Version = preview.Version,
            Name = "db", Slug = "db", State = ServiceState.Running, Reason = "healthy", CreatedAt = now, UpdatedAt = now,
        };
        Assert.Equal(SaveOutcome.Saved, await _host.Get<IServiceInstanceRepository>().TryCreateAsync(_service, preview.Inputs, null));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Service_stop_wait_follows_the_operation_and_ends_ok_with_the_service_stopped()
    {
        var run = await _cli.RunAsync("service", "stop", _service.Id.ToString(), "--wait", "--timeout", "2m");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Contains("succeeded: stopped", run.Out, StringComparison.Ordinal);
        Assert.Equal(ServiceState.Stopped, (await _host.Get<IServiceInstanceRepository>().GetAsync(_service.Id))!.State);
        var operation = Assert.Single(await _host.Get<IServiceOperationRepository>().ListRecentAsync(_service.Id, 10));
        Assert.Equal((ServiceOperationKind.Stop, ServiceOperationState.Succeeded, (Guid?)null), (operation.Kind, operation.State, operation.RequestedBy));
    }

    [Fact]
    public async Task Service_start_wait_ends_failed_with_the_reason_when_the_engine_refuses()
    {
        var run = await _cli.RunAsync("service", "start", _service.Id.ToString(), "--wait");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("ended failed: failed:", run.Error, StringComparison.Ordinal);
        Assert.Equal(ServiceState.Failed, (await _host.Get<IServiceInstanceRepository>().GetAsync(_service.Id))!.State);
    }

    [Fact]
    public async Task Without_wait_the_operation_is_queued_and_a_cancel_with_nothing_in_flight_or_an_unknown_service_is_refused()
    {
        var queued = await _cli.RunAsync("service", "restart", _service.Id.ToString());
        Assert.True(queued.ExitCode == ExitCodes.Ok, queued.ToString());
        Assert.Contains("Queued restart", queued.Out, StringComparison.Ordinal);
        var operation = Assert.Single(await _host.Get<IServiceOperationRepository>().ListRecentAsync(_service.Id, 10));
        await _host.Get<ServiceCommands>().WaitAsync(operation, Wait.DefaultTimeout);

        Assert.Equal(ExitCodes.Failed, (await _cli.RunAsync("service", "cancel", _service.Id.ToString())).ExitCode);
        Assert.Equal(ExitCodes.NotFound, (await _cli.RunAsync("service", "stop", Guid.NewGuid().ToString())).ExitCode);
    }
}
