using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Core.Services;
using GoForge.Infrastructure.Proxy.Traefik;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.Options;
using Npgsql;
using Actor = GoForge.Core.Identity.Actor;

namespace GoForge.Tests.Services;

/// <summary>
/// Services from catalog templates on the real engine and PostgreSQL: the test template (its image built locally and
/// tagged twice, so it has two versions), volumes across restart and version change, delete keeping or removing
/// volumes, a pull that cannot succeed, and linking an output into an application.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ServiceInstanceTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private const string SecondTag = "v2";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private TestTemplateFolder _templates = null!;
    private TestHost _host = null!;
    private Actor _owner = null!;
    private Project _project = null!;
    private ProjectEnvironment _environment = null!;

    private ServiceInstanceService Services => _host.Get<ServiceInstanceService>();

    public async Task InitializeAsync()
    {
        // The test template with a second version (a second local tag of the same image), and one whose image nobody has.
        _templates = await TestTemplateFolder.CreateAsync(docker, SecondTag);

        _host = await TestHost.StartAsync(postgres, "services", new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:Catalog:TemplateFolder"] = _templates.Path,
        });
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
        _project = (await _host.Get<ProjectService>().CreateAsync(_owner, new ProjectInput($"Svc {Guid.NewGuid():N}"[..16], null))).Value!;
        _environment = (await _host.Get<EnvironmentService>().ListAsync(_owner, _project.Id)).Value![0];
    }

    public async Task DisposeAsync()
    {
        await _host.Services.RemoveProjectServicesAsync(_project.Id);
        await _host.DisposeAsync();
        _templates.Dispose();
    }

    [Fact]
    public async Task A_service_runs_healthy_on_the_environment_network_and_its_volume_survives_a_restart_and_a_version_change()
    {
        var pulls = new ProgressRecorder();
        var service = await CreateAsync("kv", pulls);

        Assert.Equal(ServiceState.Running, service.State);
        Assert.Equal("Image is present", Assert.Single(pulls.Steps).Status); // local image: checked, never pulled
        Assert.StartsWith("healthy", service.Reason, StringComparison.Ordinal);
        var container = await docker.Client.Containers.InspectContainerAsync(service.ContainerId!);
        Assert.Equal(service.Id.ToString(), container.Config!.Labels[ServiceLabels.Service]);
        Assert.Equal(_project.Id.ToString(), container.Config.Labels[ServiceLabels.Project]);
        Assert.Equal(_environment.Id.ToString(), container.Config.Labels[ServiceLabels.Environment]);
        Assert.True(container.HostConfig!.Init, "services run under the engine's init, so SIGTERM stops them at once");

        // Served over HTTP on its domain: the proxy (Traefik here) is given a route file for kv.example.test to the
        // container's port 8080, once it is healthy; the container itself carries no proxy label.
        Assert.DoesNotContain(container.Config.Labels.Keys, key => key.StartsWith("traefik", StringComparison.OrdinalIgnoreCase));
        var route = await File.ReadAllTextAsync(Path.Combine(_host.Get<IOptions<TraefikOptions>>().Value.DynamicDirectory!, TraefikFileRoutes.FileName(service.Id)));
        Assert.Contains("Host(`kv.example.test`)", route, StringComparison.Ordinal);
        Assert.Contains($"\"http://{EngineNames.ServiceContainer(service.Id, "kv")}:8080\"", route, StringComparison.Ordinal);
        Assert.EndsWith("served on https://kv.example.test", service.Reason, StringComparison.Ordinal);
        // Names from ids (never slugs), with a readable slug after the id on the container.
        Assert.Equal("/" + EngineNames.ServiceContainer(service.Id, "kv"), container.Name);
        var network = EngineNames.EnvironmentNetwork(_environment.Id);
        Assert.Contains("kv", container.NetworkSettings!.Networks![network].Aliases!);
        var mount = Assert.Single(container.Mounts!);
        Assert.Equal(EngineNames.ServiceVolume(service.Id, "data"), mount.Name);
        var volume = await docker.Client.Volumes.InspectAsync(mount.Name!);
        Assert.Equal(GoForgeLabels.Kinds.ServiceVolume, volume.Labels[GoForgeLabels.Kind]);
        Assert.Equal(service.Id.ToString(), volume.Labels[GoForgeLabels.Service]);
        Assert.Equal("/data", mount.Destination);

        await ExecAsync(service.ContainerId!, "sh", "-c", "echo kept > /data/probe.txt");
        Assert.Equal("kept", await ReadProbeAsync(service.ContainerId!, network));

        var restarted = Succeeded(await Services.RestartAsync(_owner, service.Id));
        Assert.Equal(ServiceState.Running, restarted.State);
        Assert.Equal("kept", await ReadProbeAsync(restarted.ContainerId!, network));

        var stopped = Succeeded(await Services.StopAsync(_owner, service.Id));
        Assert.Equal(ServiceState.Stopped, (Succeeded(await Services.GetAsync(_owner, service.Id))).State);
        Assert.Equal(ServiceState.Running, Succeeded(await Services.StartAsync(_owner, stopped.Id)).State);

        var changed = Succeeded(await Services.ChangeVersionAsync(_owner, service.Id, SecondTag));
        Assert.Equal(ServiceState.Running, changed.State);
        Assert.Equal(SecondTag, changed.Version);
        Assert.NotEqual(service.ContainerId, changed.ContainerId);
        Assert.Equal($"goforge-test/busybox-httpd:{SecondTag}", (await docker.Client.Containers.InspectContainerAsync(changed.ContainerId!)).Config!.Image);
        Assert.Equal("kept", await ReadProbeAsync(changed.ContainerId!, network));
        Assert.Single(await _host.Get<IContainerRuntime>().ListContainersAsync(new Dictionary<string, string> { [ServiceLabels.Service] = service.Id.ToString() }));

        var refused = await Services.ChangeVersionAsync(_owner, service.Id, "9.9");
        Assert.Equal(ErrorKind.Validation, refused.Error?.Kind);

        var audit = await _host.Get<IAuditLog>().ListRecentAsync(50);
        foreach (var action in new[] { AuditActions.ServiceCreated, AuditActions.ServiceRestarted, AuditActions.ServiceStopped, AuditActions.ServiceStarted, AuditActions.ServiceVersionChanged })
        {
            Assert.Contains(audit, e => e.Action == action && e.Target == "service:kv");
        }
    }

    [Fact]
    public async Task Deleting_keeps_the_volumes_by_default_and_removes_them_when_asked()
    {
        var kept = await CreateAsync("keeper");
        var keptVolume = EngineNames.ServiceVolume(kept.Id, "data");
        Assert.True((await Services.DeleteAsync(_owner, kept.Id)).IsSuccess);

        Assert.Contains(keptVolume, await VolumesAsync(kept.Id));
        Assert.Empty(await ContainersAsync(kept.Id));
        Assert.Equal(ErrorKind.NotFound, (await Services.GetAsync(_owner, kept.Id)).Error?.Kind);

        var removed = await CreateAsync("goner");
        Assert.Single(await VolumesAsync(removed.Id));
        Assert.True((await Services.DeleteAsync(_owner, removed.Id, keepVolumes: false)).IsSuccess);

        Assert.Empty(await VolumesAsync(removed.Id));
        Assert.Empty(await ContainersAsync(removed.Id));
        Assert.Contains(keptVolume, await VolumesAsync(kept.Id));
    }

    [Fact]
    public async Task A_new_service_with_a_deleted_services_name_never_mounts_its_kept_volume()
    {
        var first = await CreateAsync("reborn");
        await ExecAsync(first.ContainerId!, "sh", "-c", "echo secret > /data/probe.txt");
        var network = EngineNames.EnvironmentNetwork(_environment.Id);
        Assert.Equal("secret", await ReadProbeAsync(first.ContainerId!, network));
        Assert.True((await Services.DeleteAsync(_owner, first.Id)).IsSuccess); // keeps the volume

        var second = await CreateAsync("reborn");

        var mount = Assert.Single((await docker.Client.Containers.InspectContainerAsync(second.ContainerId!)).Mounts!);
        Assert.Equal(EngineNames.ServiceVolume(second.Id, "data"), mount.Name);
        Assert.Contains(EngineNames.ServiceVolume(first.Id, "data"), await VolumesAsync(first.Id));
        var address = await _host.Get<IContainerRuntime>().AddressAsync(second.ContainerId!, network);
        using var response = await Http.GetAsync(new Uri($"http://{address}:8080/probe.txt"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        await _host.Get<IVolumeStore>().RemoveVolumeAsync(EngineNames.ServiceVolume(first.Id, "data"));
    }

    [Fact]
    public async Task An_image_that_is_missing_and_cannot_be_pulled_fails_with_a_clear_reason_and_leaves_no_container_and_no_volume()
    {
        var preview = Succeeded(await Services.PreviewAsync("test-absent"));
        var created = await Services.CreateAsync(_owner, _environment.Id, new ServiceInstanceInput
        {
            TemplateId = "test-absent",
            Name = "absent",
            Inputs = preview.Inputs,
            Domain = "absent.example.test",
        });

        var service = Succeeded(created);
        Assert.Equal(ServiceState.Failed, service.State);
        Assert.Contains("127.0.0.1:9/goforge-test/absent:latest is not on this server and could not be pulled", service.Reason, StringComparison.Ordinal);
        Assert.Null(service.ContainerId);
        Assert.Equal(service.Reason, Succeeded(await Services.GetAsync(_owner, service.Id)).Reason);
        Assert.Empty(await ContainersAsync(service.Id));
        Assert.Empty(await VolumesAsync(service.Id));
        var audit = await _host.Get<IAuditLog>().ListRecentAsync(20);
        Assert.Contains(audit, e => e.Action == AuditActions.ServiceCreated && e.Target == "service:absent" && e.Detail!.Contains("failed: The image", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Linking_writes_an_encrypted_secret_variable_into_an_application_of_the_same_environment_only()
    {
        var service = await CreateAsync("linked");
        var credentials = Succeeded(await Services.RevealAsync(_owner, service.Id)).Inputs;
        var applications = _host.Get<ApplicationService>();
        var app = Succeeded(await applications.CreateAsync(_owner, _environment.Id, new ApplicationInput { Name = "web", GitUrl = "https://example.com/web.git" }));

        Assert.True((await Services.LinkAsync(_owner, service.Id, "authenticated_url", app.Id, "KV_URL")).IsSuccess);

        var variable = Assert.Single(Succeeded(await _host.Get<VariableService>().ListAsync(_owner, app.Id)));
        Assert.Equal("KV_URL", variable.Key);
        Assert.True(variable.IsSecret);
        Assert.Null(variable.Value);
        var expected = $"http://kv:{credentials["password"]}@linked:8080/";
        Assert.Equal(expected, Succeeded(await _host.Get<VariableService>().RevealAsync(_owner, variable.Id)));
        Assert.False(await StoredInPlainTextAsync("environment_variables", "value_ciphertext", expected));
        Assert.False(await StoredInPlainTextAsync("service_instances", "inputs_ciphertext", credentials["password"]));

        // Another environment of the same project, and another project entirely, are refused.
        var staging = Succeeded(await _host.Get<EnvironmentService>().CreateAsync(_owner, _project.Id, "staging"));
        var elsewhere = Succeeded(await applications.CreateAsync(_owner, staging.Id, new ApplicationInput { Name = "other", GitUrl = "https://example.com/o.git" }));
        Assert.Equal(ErrorKind.Validation, (await Services.LinkAsync(_owner, service.Id, "url", elsewhere.Id, "KV_URL")).Error?.Kind);
        var stranger = Actor.From(await TestUsers.CreateAsync(_host));
        var strangerProject = Succeeded(await _host.Get<ProjectService>().CreateAsync(stranger, new ProjectInput("Theirs", null)));
        var strangerEnv = Succeeded(await _host.Get<EnvironmentService>().ListAsync(stranger, strangerProject.Id))[0];
        var theirs = Succeeded(await applications.CreateAsync(stranger, strangerEnv.Id, new ApplicationInput { Name = "their", GitUrl = "https://example.com/t.git" }));
        Assert.Equal(ErrorKind.NotFound, (await Services.LinkAsync(_owner, service.Id, "url", theirs.Id, "KV_URL")).Error?.Kind);
        Assert.Equal(ErrorKind.NotFound, (await Services.LinkAsync(stranger, service.Id, "url", theirs.Id, "KV_URL")).Error?.Kind);
        Assert.Empty(Succeeded(await _host.Get<VariableService>().ListAsync(_owner, elsewhere.Id)));
        Assert.Empty(Succeeded(await _host.Get<VariableService>().ListAsync(stranger, theirs.Id)));
        Assert.Equal(ErrorKind.Validation, (await Services.LinkAsync(_owner, service.Id, "nope", app.Id, "KV_URL")).Error?.Kind);
    }

    [Fact]
    public async Task Edited_inputs_are_checked_and_a_second_service_with_the_same_name_is_refused_before_anything_runs()
    {
        var preview = Succeeded(await Services.PreviewAsync("test-kv"));
        var hostile = new Dictionary<string, string>(preview.Inputs) { ["password"] = "$(reboot)" };
        var refused = await Services.CreateAsync(_owner, _environment.Id, Input("bad", hostile));
        Assert.Equal(ErrorKind.Validation, refused.Error?.Kind);
        Assert.Empty(Succeeded(await Services.ListAsync(_owner, _environment.Id)));

        await CreateAsync("twin");
        var again = await Services.CreateAsync(_owner, _environment.Id, Input("Twin", preview.Inputs));
        Assert.Equal(ErrorKind.Validation, again.Error?.Kind);
        Assert.Single(Succeeded(await Services.ListAsync(_owner, _environment.Id)));
    }

    /// <summary>Records synchronously (<see cref="Progress{T}"/> would post to the thread pool and arrive late).</summary>
    private sealed class ProgressRecorder : IProgress<ImagePullProgress>
    {
        public List<ImagePullProgress> Steps { get; } = [];

        public void Report(ImagePullProgress value)
        {
            lock (Steps)
            {
                Steps.Add(value);
            }
        }
    }

    private static ServiceInstanceInput Input(string name, IReadOnlyDictionary<string, string> inputs) => new()
    {
        TemplateId = "test-kv",
        Name = name,
        Inputs = inputs,
        Domain = "kv.example.test",
    };

    private async Task<ServiceInstance> CreateAsync(string name, IProgress<ImagePullProgress>? progress = null)
    {
        var preview = Succeeded(await Services.PreviewAsync("test-kv"));
        var service = Succeeded(await Services.CreateAsync(_owner, _environment.Id, Input(name, preview.Inputs), progress));
        Assert.True(service.State == ServiceState.Running, $"{name}: {service.State} ({service.Reason})");
        return service;
    }

    private static T Succeeded<T>(Result<T> result)
    {
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value!;
    }

    private async Task<IReadOnlyList<string>> VolumesAsync(Guid serviceId) =>
        await _host.Get<IVolumeStore>().ListVolumesAsync(new Dictionary<string, string> { [ServiceLabels.Service] = serviceId.ToString() });

    private async Task<IReadOnlyList<string>> ContainersAsync(Guid serviceId) =>
        await _host.Get<IContainerRuntime>().ListContainersAsync(new Dictionary<string, string> { [ServiceLabels.Service] = serviceId.ToString() });

    private async Task ExecAsync(string containerId, params string[] command)
    {
        var exec = await docker.Client.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters { Cmd = command, AttachStdout = true, AttachStderr = true });
        using (var stream = await docker.Client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters()))
        {
            await stream.ReadOutputToEndAsync(CancellationToken.None);
        }

        await Wait.UntilAsync(async () =>
        {
            var state = await docker.Client.Exec.InspectContainerExecAsync(exec.ID);
            return !state.Running && state.ExitCode == 0;
        }, $"exec {string.Join(' ', command)}");
    }

    private async Task<string> ReadProbeAsync(string containerId, string network)
    {
        var address = await _host.Get<IContainerRuntime>().AddressAsync(containerId, network);
        Assert.NotNull(address);
        return (await Http.GetStringAsync(new Uri($"http://{address}:8080/probe.txt"))).Trim();
    }

    private async Task<bool> StoredInPlainTextAsync(string table, string column, string value)
    {
        await using var conn = new NpgsqlConnection(_host.ConnectionString);
        await conn.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table} WHERE position(convert_to(@value, 'UTF8') IN {column}) > 0", conn);
        command.Parameters.AddWithValue("value", value);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }
}
