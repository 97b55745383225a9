using System.Net;
using GoForge.Core.Common;
using GoForge.Core.Containers;
using GoForge.Core.Projects;
using GoForge.Core.Services;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Actor = GoForge.Core.Identity.Actor;

namespace GoForge.Tests.Services;

/// <summary>
/// A pull from a registry that accepts connections and never answers, on the real engine, run by the real
/// <see cref="ServiceWorker"/>: it ends Failed with the reason when the pull time-out passes on the panel's clock, or
/// Canceled when a user cancels the operation, or Failed "interrupted by restart" when the panel stops mid-pull and
/// starts again; each time leaving no container.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ServicePullTimeoutTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly SilentRegistry _registry = new();
    private TestTemplateFolder _templates = null!;
    private TestHost _host = null!;
    private Actor _owner = null!;
    private Project _project = null!;
    private ProjectEnvironment _environment = null!;

    private ServiceInstanceService Services => _host.Get<ServiceInstanceService>();

    public async Task InitializeAsync()
    {
        _templates = await TestTemplateFolder.CreateAsync(docker);
        await _templates.AddVariantAsync("test-stalled", $"127.0.0.1:{_registry.Port}/goforge-test/stalled");
        _host = await TestHost.StartAsync(postgres, "pulltimeout", new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:Catalog:TemplateFolder"] = _templates.Path,
        }, services => services.AddSingleton<TimeProvider>(_time));
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
        (_project, _environment) = await _host.Services.CreateProjectAsync(_owner, $"Pull {Guid.NewGuid():N}"[..14]);
    }

    public async Task DisposeAsync()
    {
        await _host.Services.RemoveProjectServicesAsync(_project.Id);
        await _host.DisposeAsync();
        _registry.Dispose();
        _templates.Dispose();
    }

    [Fact]
    public async Task A_pull_that_outlasts_the_pull_time_out_ends_failed_saying_so_and_leaves_no_container()
    {
        var creating = CreateAsync("stalled", CancellationToken.None);
        await UntilPullingAsync("stalled");

        _time.Advance(ServiceInstanceService.PullTimeout + TimeSpan.FromSeconds(1));
        var ended = await creating.WaitAsync(Promptly);

        Assert.Equal(ServiceState.Failed, ended.State);
        Assert.Contains("took longer than 30 minutes", ended.Reason, StringComparison.Ordinal);
        Assert.Empty(await ContainersAsync());
    }

    [Fact]
    public async Task Cancel_during_pull_ends_the_operation_canceled_the_service_failed_saying_so_and_leaves_no_container()
    {
        var commands = _host.Get<ServiceCommands>();
        var queued = Succeeded(await commands.CreateAsync(_owner, _environment.Id, Input("canceled")));
        await UntilPullingAsync("canceled");

        var canceling = Succeeded(await commands.CancelAsync(_owner, queued.ServiceId));
        Assert.Equal(queued.Id, canceling.Id);
        var ended = await commands.WaitAsync(queued, Promptly);

        Assert.Equal(ServiceOperationState.Canceled, ended.State);
        Assert.StartsWith("canceled while pulling", ended.Outcome, StringComparison.Ordinal);
        var stored = Succeeded(await Services.GetAsync(_owner, queued.ServiceId));
        Assert.Equal(ServiceState.Failed, stored.State);
        Assert.StartsWith("canceled while pulling", stored.Reason, StringComparison.Ordinal);
        Assert.Empty(await ContainersAsync());

        // Nothing left to cancel; and the canceled service can be asked again.
        Assert.Equal(ErrorKind.Conflict, (await commands.CancelAsync(_owner, queued.ServiceId)).Error?.Kind);
        Assert.True((await commands.StopAsync(_owner, queued.ServiceId)).IsSuccess);
    }

    [Fact]
    public async Task A_panel_restart_during_a_pull_ends_the_operation_failed_as_interrupted_and_leaves_nothing_behind()
    {
        var data = Directory.CreateTempSubdirectory("goforge-restart-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:Catalog:TemplateFolder"] = _templates.Path,
            ["GoForge:DataPath"] = data,
        };
        var connectionString = await postgres.CreateDatabaseAsync("pullrestart");
        ServiceOperation queued;
        Project project;
        Actor owner;
        await using (var first = await TestHost.StartOnAsync(connectionString, settings))
        {
            owner = Actor.From(await TestUsers.CreateAsync(first));
            (project, var environment) = await first.Services.CreateProjectAsync(owner, "Restart");
            queued = Succeeded(await first.Get<ServiceCommands>().CreateAsync(owner, environment.Id, Input("cut")));
            var before = _registry.Connections;
            await Wait.UntilAsync(async () => (await first.Get<IServiceInstanceRepository>().GetAsync(queued.ServiceId))?.State == ServiceState.Pulling, "pulling", Promptly);
            await Wait.UntilAsync(() => Task.FromResult(_registry.Connections > before), "the engine connecting to the registry", Promptly);

            // The panel goes away mid-pull: nothing records an end, as after a SIGKILL.
        }

        var operations = new ServiceOperationRepositoryProbe(connectionString);
        Assert.Equal(ServiceOperationState.Running, (await operations.StateAsync(queued.Id)).State);

        await using var second = await TestHost.StartOnAsync(connectionString, settings);
        var ended = await second.Get<ServiceCommands>().WaitAsync(queued, Promptly);

        Assert.Equal(ServiceOperationState.Failed, ended.State);
        Assert.Equal("failed: " + ServiceRecovery.InterruptedReason, ended.Outcome);
        var service = (await second.Get<IServiceInstanceRepository>().GetAsync(queued.ServiceId))!;
        Assert.Equal((ServiceState.Failed, ServiceRecovery.InterruptedReason), (service.State, service.Reason));
        Assert.Empty(await second.Get<GoForge.Core.Containers.IContainerRuntime>().ListContainersAsync(
            new Dictionary<string, string> { [ServiceLabels.Project] = project.Id.ToString() }));
        Assert.Contains("pulling -> failed", await operations.TransitionsAsync(queued.ServiceId));

        // The service is usable again: a new operation is accepted.
        Assert.True((await second.Get<ServiceCommands>().StopAsync(owner, queued.ServiceId)).IsSuccess);
        await second.Services.RemoveProjectServicesAsync(project.Id);
        Directory.Delete(data, recursive: true);
    }

    private static ServiceInstanceInput Input(string name) => new() { TemplateId = "test-stalled", Name = name, Domain = name + ".example" };

    private static T Succeeded<T>(Result<T> result)
    {
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value!;
    }

    /// <summary>Reads the queue and the transitions straight from PostgreSQL, past every cache.</summary>
    private sealed class ServiceOperationRepositoryProbe(string connectionString)
    {
        public async Task<(ServiceOperationState State, string? Outcome)> StateAsync(Guid id)
        {
            await using var conn = new Npgsql.NpgsqlConnection(connectionString);
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand("SELECT state, outcome FROM service_operations WHERE id = @id", conn);
            cmd.Parameters.AddWithValue("id", id);
            await using var reader = await cmd.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            return (Enum.Parse<ServiceOperationState>(reader.GetString(0), ignoreCase: true), reader.IsDBNull(1) ? null : reader.GetString(1));
        }

        public async Task<IReadOnlyList<string>> TransitionsAsync(Guid serviceId)
        {
            await using var conn = new Npgsql.NpgsqlConnection(connectionString);
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand("SELECT from_state || ' -> ' || to_state FROM service_transitions WHERE service_id = @id ORDER BY id", conn);
            cmd.Parameters.AddWithValue("id", serviceId);
            var found = new List<string>();
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                found.Add(reader.GetString(0));
            }

            return found;
        }
    }

    private async Task<ServiceInstance> CreateAsync(string name, CancellationToken ct)
    {
        var created = await Services.CreateAsync(_owner, _environment.Id, new ServiceInstanceInput
        {
            TemplateId = "test-stalled",
            Name = name,
            Domain = name + ".example",
        }, progress: null, ct);
        Assert.True(created.IsSuccess, created.Error?.Message);
        return created.Value!;
    }

    /// <summary>Until the service is recorded Pulling and the engine has connected to the silent registry: a pull in progress, stalled.</summary>
    private async Task UntilPullingAsync(string name)
    {
        var before = _registry.Connections;
        await Wait.UntilAsync(async () =>
            (await Services.ListAsync(_owner, _environment.Id)).Value!.Any(s => s.Slug == name && s.State == ServiceState.Pulling), $"{name} pulling", Promptly);
        await Wait.UntilAsync(() => Task.FromResult(_registry.Connections > before), "the engine connecting to the registry", Promptly);
    }

    private Task<IReadOnlyList<string>> ContainersAsync() =>
        _host.Get<IContainerRuntime>().ListContainersAsync(new Dictionary<string, string> { [ServiceLabels.Project] = _project.Id.ToString() });
}
