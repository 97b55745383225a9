using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Common;
using Actor = GoForge.Core.Identity.Actor;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Reconciliation;
using GoForge.Core.Volumes;
using GoForge.Tests.Deployments;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Volumes;

/// <summary>
/// Application volumes on the real engine, deployed by the real pipeline: data kept across a redeploy and a rollback,
/// a delete refused while mounted, kept by the reconciler and by an application delete unless asked; a same-named
/// volume that is not provably the application's refused; a bind mount mounted only once an administrator allows it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AppVolumeEngineTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan DeployWait = TimeSpan.FromSeconds(120);

    private readonly List<Guid> _applications = [];
    private readonly List<string> _foreignVolumes = [];
    private DeployScenario _scenario = null!;

    private GoForgeApp App => _scenario.App;

    private AppVolumeService Volumes => App.Get<AppVolumeService>();

    public async Task InitializeAsync() => _scenario = await DeployScenario.StartAsync(postgres, docker, "appvolumes");

    public async Task DisposeAsync()
    {
        try
        {
            // The scenario removes the applications' containers; their volumes (kept by design) go here.
            await _scenario.DisposeAsync();
        }
        finally
        {
            foreach (var id in _applications)
            {
                var owned = await docker.Client.Volumes.ListAsync(new VolumesListParameters
                {
                    Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{GoForgeLabels.App}={id}"] = true } },
                });
                _foreignVolumes.AddRange(owned.Volumes?.Select(v => v.Name) ?? []);
            }

            foreach (var name in _foreignVolumes.Distinct())
            {
                await RemoveVolumeQuietlyAsync(name);
            }
        }
    }

    [Fact]
    public async Task Data_written_by_one_deployment_is_read_by_the_next_and_after_a_rollback_and_survives_the_reconciler_and_an_application_delete()
    {
        var application = await CreateApplicationAsync("stateful");
        var volume = await AddVolumeAsync(application, "data", "/data");
        var engineName = EngineNames.AppVolume(volume.Id, "data");
        var one = _scenario.Repository.Commit("One", SampleDockerfiles.ServesIndex(_scenario.Nonce), new Dictionary<string, string> { ["index.html"] = "one\n" });
        var first = await DeployAsync(application, one);
        Assert.Equal(0, (await ContainerExec.RunAsync(docker.Client, first.ContainerId!, ["sh", "-c", "echo written-by-first > /data/note"])).ExitCode);

        var two = _scenario.Repository.Commit("Two", SampleDockerfiles.ServesIndex(_scenario.Nonce), new Dictionary<string, string> { ["index.html"] = "two\n" });
        var second = await DeployAsync(application, two);
        var readBySecond = await ContainerExec.RunAsync(docker.Client, second.ContainerId!, ["cat", "/data/note"]);
        Assert.Equal(0, (await ContainerExec.RunAsync(docker.Client, second.ContainerId!, ["sh", "-c", "echo written-by-second >> /data/note"])).ExitCode);
        var rollback = await App.Get<DeploymentService>().RollbackAsync(_scenario.Actor, application.Id, first.Id);
        Assert.True(rollback.IsSuccess, rollback.Error?.Message);
        var rolledBack = await SettledRunningAsync(rollback.Value.Id);
        var readAfterRollback = await ContainerExec.RunAsync(docker.Client, rolledBack.ContainerId!, ["cat", "/data/note"]);

        Assert.Equal("written-by-first", readBySecond.Output.Trim());
        Assert.Equal("written-by-first\nwritten-by-second", readAfterRollback.Output.Trim());
        var labels = (await docker.Client.Volumes.InspectAsync(engineName)).Labels;
        Assert.Equal(volume.Id.ToString(), labels[GoForgeLabels.Volume]);
        Assert.Equal(application.Id.ToString(), labels[GoForgeLabels.App]);
        Assert.Equal(GoForgeLabels.Kinds.AppVolume, labels[GoForgeLabels.Kind]);
        var listed = await Volumes.ListAsync(_scenario.Actor, application.Id);
        Assert.True(Assert.Single(listed.Value!.Volumes).SizeBytes > 0, "the engine sizes the volume once it holds data");

        // Mounted by the running container: the engine refuses, so nothing is deleted.
        var whileMounted = await Volumes.DeleteAsync(_scenario.Actor, volume.Id, "data");
        Assert.Equal(ErrorKind.Conflict, whileMounted.Error!.Kind);
        Assert.NotNull(await App.Get<IAppVolumeRepository>().GetAsync(volume.Id));

        // Deleting the application keeps its volumes unless asked, and the reconciler never removes one.
        Assert.True((await Volumes.DeleteApplicationAsync(_scenario.Actor, application.Id, deleteVolumes: false)).IsSuccess);
        await App.Get<Reconciler>().RunAsync(CancellationToken.None);
        Assert.Equal(volume.Id.ToString(), (await docker.Client.Volumes.InspectAsync(engineName)).Labels[GoForgeLabels.Volume]);
    }

    [Fact]
    public async Task Deleting_an_application_with_its_volumes_removes_them_after_its_containers()
    {
        var application = await CreateApplicationAsync("throwaway");
        var volume = await AddVolumeAsync(application, "cache", "/cache");
        await DeployAsync(application, _scenario.Repository.Commit("Once", SampleDockerfiles.ServesIndex(_scenario.Nonce), new Dictionary<string, string> { ["index.html"] = "once\n" }));
        Assert.NotNull(await App.Get<IVolumeStore>().GetLabelsAsync(EngineNames.AppVolume(volume.Id, "cache")));

        var deleted = await Volumes.DeleteApplicationAsync(_scenario.Actor, application.Id, deleteVolumes: true);

        Assert.True(deleted.IsSuccess, deleted.Error?.Message);
        Assert.Null(await App.Get<IVolumeStore>().GetLabelsAsync(EngineNames.AppVolume(volume.Id, "cache")));
    }

    [Fact]
    public async Task A_same_named_volume_without_the_applications_labels_fails_the_deployment_and_is_left_untouched()
    {
        var application = await CreateApplicationAsync("squatted");
        var volume = await AddVolumeAsync(application, "data", "/data");
        var engineName = EngineNames.AppVolume(volume.Id, "data");
        // Someone else's volume of exactly that name: another application's labels, or none.
        _foreignVolumes.Add(engineName);
        await docker.Client.Volumes.CreateAsync(new VolumesCreateParameters
        {
            Name = engineName,
            Labels = new Dictionary<string, string> { [GoForgeLabels.Managed] = "true", [GoForgeLabels.App] = Guid.NewGuid().ToString(), [GoForgeLabels.Volume] = volume.Id.ToString() },
        });

        var commit = _scenario.Repository.Commit("Squatted", SampleDockerfiles.ServesIndex(_scenario.Nonce), new Dictionary<string, string> { ["index.html"] = "squatted\n" });

        var queued = await App.Get<DeploymentService>().EnqueueAsync(_scenario.Actor, application.Id, commit);
        Assert.True(queued.IsSuccess, queued.Error?.Message);
        var failed = await _scenario.UntilSettledAsync(queued.Value.Id, DeployWait);

        Assert.Equal(DeploymentState.Failed, failed.State);
        Assert.Contains($"Docker volume {engineName} exists but is not owned", failed.Reason, StringComparison.Ordinal);
        Assert.Null(failed.ContainerId);
        var labels = (await docker.Client.Volumes.InspectAsync(engineName)).Labels;
        Assert.False(labels.ContainsKey(GoForgeLabels.Installation));
        Assert.NotEqual(application.Id.ToString(), labels[GoForgeLabels.App]);
    }

    [Fact]
    public async Task A_bind_mount_is_refused_until_an_administrator_allows_it_and_then_shows_the_host_folder()
    {
        var application = await CreateApplicationAsync("binder");
        var hostFolder = Directory.CreateDirectory(Path.Combine(_scenario.Root, "host-share")).FullName;
        await File.WriteAllTextAsync(Path.Combine(hostFolder, "greeting"), "from the host\n");
        var input = new AppVolumeInput { Name = "share", MountPath = "/share", HostPath = hostFolder };
        var maintainer = _scenario.Actor;
        var admin = Actor.From(await App.CreateUserAsync(UserRole.Admin));

        var refused = await Volumes.AddAsync(maintainer, application.Id, input);
        var maintainerSwitch = await Volumes.SetBindMountsAllowedAsync(maintainer, application.Id, true);
        Assert.True((await Volumes.SetBindMountsAllowedAsync(admin, application.Id, true)).IsSuccess);
        var added = await Volumes.AddAsync(maintainer, application.Id, input);
        var running = await DeployAsync(application, _scenario.Repository.Commit("Bind", SampleDockerfiles.ServesIndex(_scenario.Nonce), new Dictionary<string, string> { ["index.html"] = "bind\n" }));
        var read = await ContainerExec.RunAsync(docker.Client, running.ContainerId!, ["cat", "/share/greeting"]);
        // Turned off again: the next deployment fails instead of mounting it.
        Assert.True((await Volumes.SetBindMountsAllowedAsync(admin, application.Id, false)).IsSuccess);
        var queued = await App.Get<DeploymentService>().EnqueueAsync(maintainer, application.Id);
        var afterRevoke = await _scenario.UntilSettledAsync(queued.Value!.Id, DeployWait);

        Assert.Contains(nameof(AppVolumeInput.HostPath), refused.Error!.FieldErrors.Keys);
        Assert.Equal(ErrorKind.Forbidden, maintainerSwitch.Error!.Kind);
        Assert.True(added.IsSuccess, added.Error?.Message);
        Assert.Equal("from the host", read.Output.Trim());
        Assert.Equal(DeploymentState.Failed, afterRevoke.State);
        Assert.Contains("no longer allowed", afterRevoke.Reason, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(hostFolder, "greeting")));
    }

    private async Task<Application> CreateApplicationAsync(string name)
    {
        var application = await _scenario.CreateApplicationAsync(_scenario.Actor, name);
        _applications.Add(application.Id);
        return application;
    }

    private async Task<AppVolume> AddVolumeAsync(Application application, string name, string mountPath)
    {
        var added = await Volumes.AddAsync(_scenario.Actor, application.Id, new AppVolumeInput { Name = name, MountPath = mountPath });
        Assert.True(added.IsSuccess, added.Error?.Message);
        return added.Value;
    }

    private async Task<Deployment> DeployAsync(Application application, string commitSha)
    {
        var queued = await App.Get<DeploymentService>().EnqueueAsync(_scenario.Actor, application.Id, commitSha);
        Assert.True(queued.IsSuccess, queued.Error?.Message);
        return await SettledRunningAsync(queued.Value.Id);
    }

    private async Task<Deployment> SettledRunningAsync(Guid deploymentId)
    {
        var settled = await _scenario.UntilSettledAsync(deploymentId, DeployWait);
        Assert.True(settled.State == DeploymentState.Running, $"deployment ended {settled.State}: {settled.Reason}");
        return settled;
    }

    private async Task RemoveVolumeQuietlyAsync(string name)
    {
        try
        {
            await docker.Client.Volumes.RemoveAsync(name, force: true);
        }
        catch (DockerApiException)
        {
            // Already gone.
        }
    }
}
