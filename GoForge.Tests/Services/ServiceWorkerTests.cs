using GoForge.Core.Containers;
using GoForge.Core.Common;
using GoForge.Core.Projects;
using GoForge.Core.Services;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Npgsql;
using Actor = GoForge.Core.Identity.Actor;

namespace GoForge.Tests.Services;

/// <summary>
/// The service operation queue and the real <see cref="ServiceWorker"/> on the real engine and PostgreSQL: a create
/// queued and followed to Running through the recorded transitions, one operation at a time per service, and a
/// version change as an operation.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ServiceWorkerTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private const string SecondTag = "v2";
    private static readonly TimeSpan Promptly = TimeSpan.FromMinutes(2);

    private TestTemplateFolder _templates = null!;
    private TestHost _host = null!;
    private Actor _owner = null!;
    private Project _project = null!;
    private ProjectEnvironment _environment = null!;

    private ServiceCommands Commands => _host.Get<ServiceCommands>();

    public async Task InitializeAsync()
    {
        _templates = await TestTemplateFolder.CreateAsync(docker, SecondTag);
        _host = await TestHost.StartAsync(postgres, "serviceworker", new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:Catalog:TemplateFolder"] = _templates.Path,
        });
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
        (_project, _environment) = await _host.Services.CreateProjectAsync(_owner, $"Wrk {Guid.NewGuid():N}"[..14]);
    }

    public async Task DisposeAsync()
    {
        await _host.Services.RemoveProjectServicesAsync(_project.Id);
        await _host.DisposeAsync();
        _templates.Dispose();
    }

    [Fact]
    public async Task A_queued_create_is_worked_to_running_through_recorded_transitions_and_the_operation_says_so()
    {
        var queued = Succeeded(await Commands.CreateAsync(_owner, _environment.Id, await InputAsync("made")));
        Assert.Equal((ServiceOperationKind.Create, ServiceOperationState.Queued), (queued.Kind, queued.State));

        var ended = await Commands.WaitAsync(queued, Promptly);

        Assert.Equal((ServiceOperationState.Succeeded, "running"), (ended.State, ended.Outcome));
        Assert.NotNull(ended.StartedAt);
        Assert.NotNull(ended.EndedAt);
        Assert.Equal(_owner.UserId, ended.RequestedBy);
        var service = (await _host.Get<IServiceInstanceRepository>().GetAsync(queued.ServiceId))!;
        Assert.Equal(ServiceState.Running, service.State);
        Assert.Equal(
            ["creating -> pulling", "pulling -> starting", "starting -> starting", "starting -> running", "running -> running"],
            await TransitionsAsync(service.Id));
        Assert.Equal(ended, Succeeded(await Commands.GetOperationAsync(_owner, service.Id, ended.Id)));

        // Another project's member sees no such operation.
        var stranger = Actor.From(await TestUsers.CreateAsync(_host));
        Assert.Equal(ErrorKind.NotFound, (await Commands.GetOperationAsync(stranger, service.Id, ended.Id)).Error?.Kind);
        Assert.Equal(ErrorKind.NotFound, (await Commands.StopAsync(stranger, service.Id)).Error?.Kind);
    }

    [Fact]
    public async Task One_operation_at_a_time_per_service_and_a_version_change_runs_the_new_version_on_the_same_volume()
    {
        var created = await Commands.WaitAsync(Succeeded(await Commands.CreateAsync(_owner, _environment.Id, await InputAsync("versioned"))), Promptly);
        Assert.Equal(ServiceOperationState.Succeeded, created.State);
        var before = (await _host.Get<IServiceInstanceRepository>().GetAsync(created.ServiceId))!;

        var change = Succeeded(await Commands.ChangeVersionAsync(_owner, before.Id, SecondTag));
        var meanwhile = await Commands.RestartAsync(_owner, before.Id);
        var ended = await Commands.WaitAsync(change, Promptly);

        // The restart asked while the change was queued or running was refused, not queued behind it.
        Assert.Equal(ErrorKind.Conflict, meanwhile.Error?.Kind);
        Assert.Equal((ServiceOperationKind.Version, ServiceOperationState.Succeeded), (ended.Kind, ended.State));
        var after = (await _host.Get<IServiceInstanceRepository>().GetAsync(before.Id))!;
        Assert.Equal((ServiceState.Running, SecondTag), (after.State, after.Version));
        Assert.NotEqual(before.ContainerId, after.ContainerId);
        var container = await docker.Client.Containers.InspectContainerAsync(after.ContainerId!);
        Assert.Equal($"goforge-test/busybox-httpd:{SecondTag}", container.Config!.Image);
        Assert.Equal(EngineNames.ServiceVolume(before.Id, "data"), Assert.Single(container.Mounts!).Name);

        // A version the template does not offer is refused before anything is queued.
        Assert.Equal(ErrorKind.Validation, (await Commands.ChangeVersionAsync(_owner, before.Id, "9.9")).Error?.Kind);
        Assert.Null(await _host.Get<IServiceOperationRepository>().GetInFlightAsync(before.Id));
        Assert.Equal(2, (await _host.Get<IServiceOperationRepository>().ListRecentAsync(before.Id, 10)).Count);
    }

    private async Task<ServiceInstanceInput> InputAsync(string name) => new()
    {
        TemplateId = "test-kv",
        Name = name,
        Inputs = Succeeded(await _host.Get<ServiceInstanceService>().PreviewAsync("test-kv")).Inputs,
        Domain = name + ".example.test",
    };

    private async Task<IReadOnlyList<string>> TransitionsAsync(Guid serviceId)
    {
        await using var conn = new NpgsqlConnection(_host.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT from_state || ' -> ' || to_state FROM service_transitions WHERE service_id = @id ORDER BY id", conn);
        cmd.Parameters.AddWithValue("id", serviceId);
        var found = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }

    private static T Succeeded<T>(Result<T> result)
    {
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value!;
    }
}
