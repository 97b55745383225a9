using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Volumes;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Volumes;

/// <summary>
/// <see cref="AppVolumeService"/> on real PostgreSQL: who may list, add and delete; the bind-mount switch only an
/// administrator turns; the typed name a delete needs; the audit trail. (The engine side is in <see cref="AppVolumeEngineTests"/>.)
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AppVolumeServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GoForgeApp _app = null!;
    private AppVolumeService _volumes = null!;
    private Actor _maintainer = null!;
    private Actor _deployer = null!;
    private Actor _viewer = null!;
    private Actor _stranger = null!;
    private Actor _admin = null!;
    private Application _application = null!;

    public async Task InitializeAsync()
    {
        _app = await GoForgeApp.StartAsync(postgres, "appvolumes", services: GoForgeApp.WithoutDeploymentWorker);
        _volumes = _app.Get<AppVolumeService>();
        var owner = await _app.CreateUserAsync();
        var deployer = await _app.CreateUserAsync();
        var viewer = await _app.CreateUserAsync();
        _maintainer = Actor.From(owner);
        _deployer = Actor.From(deployer);
        _viewer = Actor.From(viewer);
        _stranger = Actor.From(await _app.CreateUserAsync());
        _admin = Actor.From(await _app.CreateUserAsync(UserRole.Admin));
        var (project, production) = await _app.Services.CreateProjectAsync(_maintainer, "Volumes");
        await _app.Services.AddMemberAsync(_maintainer, project.Id, deployer.Login, ProjectRole.Deployer);
        await _app.Services.AddMemberAsync(_maintainer, project.Id, viewer.Login, ProjectRole.Viewer);
        _application = await _app.Services.CreateApplicationAsync(_maintainer, production.Id, "stateful");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_viewer_lists_volumes_but_only_a_maintainer_adds_them_and_each_add_is_audited()
    {
        var byViewer = await _volumes.AddAsync(_viewer, _application.Id, Input("viewer-data", "/viewer"));
        var byDeployer = await _volumes.AddAsync(_deployer, _application.Id, Input("deployer-data", "/deployer"));
        var byMaintainer = await _volumes.AddAsync(_maintainer, _application.Id, Input("uploads", "/srv/uploads/"));

        Assert.Equal(ErrorKind.Forbidden, byViewer.Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, byDeployer.Error!.Kind);
        Assert.True(byMaintainer.IsSuccess, byMaintainer.Error?.Message);
        Assert.Equal("/srv/uploads", byMaintainer.Value.MountPath);
        var listed = await _volumes.ListAsync(_viewer, _application.Id);
        Assert.True(listed.IsSuccess, listed.Error?.Message);
        var view = Assert.Single(listed.Value.Volumes, v => v.Volume.Name == "uploads");
        Assert.Equal($"goforge-appvol-{byMaintainer.Value.Id:N}-uploads", view.EngineName);
        Assert.DoesNotContain(listed.Value.Volumes, v => v.Volume.Name is "viewer-data" or "deployer-data");
        var events = await _app.Get<IAuditLog>().ListByTargetAsync($"application:{_application.Slug}", 50);
        Assert.Contains(events, e => e.Action == AuditActions.VolumeAdded && e.Detail == "uploads at /srv/uploads");
    }

    [Fact]
    public async Task Another_projects_application_or_volume_is_not_found_for_every_operation()
    {
        var added = await _volumes.AddAsync(_maintainer, _application.Id, Input("private", "/private"));
        Assert.True(added.IsSuccess, added.Error?.Message);

        Assert.Equal(ErrorKind.NotFound, (await _volumes.ListAsync(_stranger, _application.Id)).Error!.Kind);
        Assert.Equal(ErrorKind.NotFound, (await _volumes.AddAsync(_stranger, _application.Id, Input("theirs", "/theirs"))).Error!.Kind);
        Assert.Equal(ErrorKind.NotFound, (await _volumes.DeleteAsync(_stranger, added.Value.Id, "private")).Error!.Kind);
        Assert.Equal(ErrorKind.NotFound, (await _volumes.SetBindMountsAllowedAsync(_stranger, _application.Id, true)).Error!.Kind);
        Assert.Equal(ErrorKind.NotFound, (await _volumes.ListAsync(_maintainer, Guid.NewGuid())).Error!.Kind);
        Assert.NotNull(await _app.Get<IAppVolumeRepository>().GetAsync(added.Value.Id));
    }

    [Fact]
    public async Task A_second_volume_with_the_same_name_or_an_equal_or_nested_mount_path_is_refused()
    {
        Assert.True((await _volumes.AddAsync(_maintainer, _application.Id, Input("cache", "/var/cache/app"))).IsSuccess);

        var sameName = await _volumes.AddAsync(_maintainer, _application.Id, Input("cache", "/elsewhere"));
        var samePath = await _volumes.AddAsync(_maintainer, _application.Id, Input("cache-two", "/var/cache/app/"));
        var inside = await _volumes.AddAsync(_maintainer, _application.Id, Input("cache-three", "/var/cache/app/sub"));
        var around = await _volumes.AddAsync(_maintainer, _application.Id, Input("cache-four", "/var/cache"));
        var hostile = await _volumes.AddAsync(_maintainer, _application.Id, Input("hostile", "/data;rm -rf /"));

        Assert.Contains(nameof(AppVolumeInput.Name), sameName.Error!.FieldErrors.Keys);
        foreach (var refused in new[] { samePath, inside, around, hostile })
        {
            Assert.Equal(ErrorKind.Validation, refused.Error!.Kind);
            Assert.Contains(nameof(AppVolumeInput.MountPath), refused.Error.FieldErrors.Keys);
        }
    }

    [Fact]
    public async Task Bind_mounts_are_refused_until_an_administrator_allows_them_which_a_maintainer_cannot()
    {
        var hostFolder = "/srv/" + Guid.NewGuid().ToString("N");
        var before = await _volumes.AddAsync(_maintainer, _application.Id, Input("host-before", "/host-before", hostFolder));
        var byMaintainer = await _volumes.SetBindMountsAllowedAsync(_maintainer, _application.Id, true);
        var stillRefused = await _volumes.AddAsync(_maintainer, _application.Id, Input("host-still", "/host-still", hostFolder));

        var byAdmin = await _volumes.SetBindMountsAllowedAsync(_admin, _application.Id, true);
        var allowed = await _volumes.AddAsync(_maintainer, _application.Id, Input("host-data", "/host-data", hostFolder));
        var socket = await _volumes.AddAsync(_maintainer, _application.Id, Input("socket", "/sock", "/var/run/docker.sock"));
        var etc = await _volumes.AddAsync(_maintainer, _application.Id, Input("etc", "/host-etc", "/etc"));
        var ownData = await _volumes.AddAsync(_maintainer, _application.Id, Input("own", "/own", Path.Combine(_app.DataPath, "keys")));

        Assert.Contains(nameof(AppVolumeInput.HostPath), before.Error!.FieldErrors.Keys);
        Assert.Equal(ErrorKind.Forbidden, byMaintainer.Error!.Kind);
        Assert.Contains(nameof(AppVolumeInput.HostPath), stillRefused.Error!.FieldErrors.Keys);
        Assert.True(byAdmin.IsSuccess, byAdmin.Error?.Message);
        Assert.True(allowed.IsSuccess, allowed.Error?.Message);
        Assert.Equal(AppVolumeKind.Bind, allowed.Value.Kind);
        Assert.Equal(hostFolder, allowed.Value.HostPath);
        Assert.Contains(nameof(AppVolumeInput.HostPath), socket.Error!.FieldErrors.Keys);
        Assert.Contains(nameof(AppVolumeInput.HostPath), etc.Error!.FieldErrors.Keys);
        Assert.Contains(nameof(AppVolumeInput.HostPath), ownData.Error!.FieldErrors.Keys);
        Assert.True((await _volumes.ListAsync(_viewer, _application.Id)).Value!.BindMountsAllowed);
        var events = await _app.Get<IAuditLog>().ListByTargetAsync($"application:{_application.Slug}", 50);
        Assert.Contains(events, e => e.Action == AuditActions.BindMountsChanged && e.Detail == "bind mounts allowed");
    }

    [Fact]
    public async Task Deleting_needs_the_volumes_exact_name_and_a_maintainer_then_removes_it_and_is_audited()
    {
        Assert.True((await _volumes.SetBindMountsAllowedAsync(_admin, _application.Id, true)).IsSuccess);
        // A bind mount: its row goes and the host folder is never touched, so no engine is needed here.
        var added = await _volumes.AddAsync(_maintainer, _application.Id, Input("scratch", "/scratch", "/srv/scratch-" + Guid.NewGuid().ToString("N")[..8]));
        Assert.True(added.IsSuccess, added.Error?.Message);

        var missing = await _volumes.DeleteAsync(_maintainer, added.Value.Id, null);
        var wrong = await _volumes.DeleteAsync(_maintainer, added.Value.Id, "SCRATCH");
        var byDeployer = await _volumes.DeleteAsync(_deployer, added.Value.Id, "scratch");
        Assert.NotNull(await _app.Get<IAppVolumeRepository>().GetAsync(added.Value.Id));
        var deleted = await _volumes.DeleteAsync(_maintainer, added.Value.Id, "scratch");

        Assert.Equal(ErrorKind.Validation, missing.Error!.Kind);
        Assert.Contains("scratch", missing.Error.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorKind.Validation, wrong.Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, byDeployer.Error!.Kind);
        Assert.True(deleted.IsSuccess, deleted.Error?.Message);
        Assert.Null(await _app.Get<IAppVolumeRepository>().GetAsync(added.Value.Id));
        var events = await _app.Get<IAuditLog>().ListByTargetAsync($"application:{_application.Slug}", 50);
        Assert.Contains(events, e => e.Action == AuditActions.VolumeDeleted && e.Detail == "scratch");
    }

    private static AppVolumeInput Input(string name, string mountPath, string? hostPath = null) => new() { Name = name, MountPath = mountPath, HostPath = hostPath };
}
