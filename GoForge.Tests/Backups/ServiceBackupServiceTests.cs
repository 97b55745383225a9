using GoForge.Core.Backups;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Services;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Backups;

/// <summary>
/// A service's backups through <see cref="ServiceBackupService"/> on real PostgreSQL: a template no engine handles is
/// refused with a clear message, and a restore needs the service's name typed exactly.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ServiceBackupServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;
    private Actor _maintainer = null!;
    private ServiceInstance _service = null!;
    private BackupRun _backup = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "svcbackups");
        _maintainer = Actor.From(await TestUsers.CreateAsync(_host));
        var admin = Actor.From(await TestUsers.CreateAsync(_host, UserRole.Admin));
        var project = (await _host.Get<ProjectService>().CreateAsync(_maintainer, new ProjectInput("Data", null))).Value!;
        var environment = (await _host.Get<EnvironmentService>().ListAsync(_maintainer, project.Id)).Value![0];
        var services = _host.Get<ServiceInstanceService>();
        var preview = (await services.PreviewAsync("mongodb")).Value!;
        // No engine here: the service ends Failed, but it exists with its project.
        _service = (await services.CreateAsync(_maintainer, environment.Id, new ServiceInstanceInput { TemplateId = "mongodb", Name = "cache", Inputs = preview.Inputs })).Value!;
        var destination = (await _host.Get<BackupDestinationService>().CreateAsync(admin, new BackupDestinationInput
        {
            Name = "disk",
            Kind = BackupDestinationKind.Local,
            LocalFolder = "/srv/goforge-backups",
        })).Value!;

        // A backup as the worker records one (the engines that make them are another branch's).
        var runs = _host.Get<IBackupRunRepository>();
        var queued = new BackupRun
        {
            Id = Guid.NewGuid(),
            Kind = BackupRunKind.Backup,
            TargetKind = BackupTargetKind.Service,
            TargetId = _service.Id,
            ProjectId = project.Id,
            DestinationId = destination.Id,
            DestinationName = destination.Name,
            Trigger = BackupTrigger.Manual,
            State = BackupRunState.Queued,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        Assert.True(await runs.TryEnqueueAsync(queued));
        Assert.Single(await runs.ClaimAsync(1, DateTimeOffset.UtcNow));
        Assert.True(await runs.TryCompleteBackupAsync(queued.Id, "services/x/a.rdb", "redis", 10, new BackupFingerprint(new Dictionary<string, long> { ["db0"] = 3 }), DateTimeOffset.UtcNow));
        _backup = (await runs.GetAsync(queued.Id))!;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_template_without_a_backup_engine_is_refused_by_the_schedule_and_back_up_now_with_a_clear_message()
    {
        var backups = _host.Get<ServiceBackupService>();
        var destination = (await _host.Get<BackupDestinationService>().ChoicesAsync(_maintainer))[0];

        var schedule = await backups.SaveScheduleAsync(_maintainer, _service.Id, new BackupScheduleInput { Cron = "0 3 * * *", DestinationId = destination.Id });
        var now = await backups.BackUpNowAsync(_maintainer, _service.Id);

        Assert.Equal(ErrorKind.Validation, schedule.Error?.Kind);
        Assert.Contains("'mongodb'", schedule.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("not supported", schedule.Error.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorKind.Conflict, now.Error?.Kind);
        Assert.False((await backups.IsSupportedAsync(_maintainer, _service.Id)).Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Cache")]
    [InlineData("cache ")]
    [InlineData("other")]
    public async Task A_restore_without_the_services_name_typed_exactly_is_refused_and_queues_nothing(string? confirmation)
    {
        var backups = _host.Get<ServiceBackupService>();

        var refused = await backups.RestoreAsync(_maintainer, _service.Id, _backup.Id, confirmation);

        Assert.Equal(ErrorKind.Validation, refused.Error?.Kind);
        Assert.Contains("cache", refused.Error!.Message, StringComparison.Ordinal);
        Assert.Null(await _host.Get<IBackupRunRepository>().GetInFlightAsync(_service.Id));
    }

    [Fact]
    public async Task A_confirmed_restore_is_queued_against_the_backup_and_shows_in_the_history()
    {
        var backups = _host.Get<ServiceBackupService>();

        var restore = await backups.RestoreAsync(_maintainer, _service.Id, _backup.Id, "cache");
        var again = await backups.RestoreAsync(_maintainer, _service.Id, _backup.Id, "cache");

        Assert.True(restore.IsSuccess, restore.Error?.Message);
        Assert.Equal(BackupRunKind.Restore, restore.Value!.Kind);
        Assert.Equal(_backup.Id, restore.Value.SourceRunId);
        Assert.Equal(ErrorKind.Conflict, again.Error?.Kind);
        Assert.Equal([restore.Value.Id, _backup.Id], (await backups.OverviewAsync(_maintainer, _service.Id)).Value!.Runs.Select(r => r.Id));
    }
}
