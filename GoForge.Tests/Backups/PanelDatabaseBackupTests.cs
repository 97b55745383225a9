using System.Runtime.Versioning;
using GoForge.Core.Backups;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static GoForge.Tests.Secrets.SecretsTestData;

namespace GoForge.Tests.Backups;

/// <summary>
/// The backup queue, scheduler, worker and retention on real PostgreSQL and a real local folder, with the panel's own
/// database as the target (pg_dump on the host, through BackupService).
/// </summary>
[UnsupportedOSPlatform("windows")]
[Collection(PostgresCollection.Name)]
public sealed class PanelDatabaseBackupTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("goforge-backups-").FullName;
    private readonly Dictionary<string, string?> _keys = KeySettings(NewKey());
    private TestHost _host = null!;
    private Actor _admin = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "backups", _keys);
        _admin = Actor.From(await TestUsers.CreateAsync(_host, UserRole.Admin));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private string Archives => Path.Combine(_folder, "archives");

    private async Task<BackupDestination> LocalDestinationAsync(TestHost? host = null, string name = "disk") =>
        (await (host ?? _host).Get<BackupDestinationService>().CreateAsync(_admin, new BackupDestinationInput
        {
            Name = name,
            Kind = BackupDestinationKind.Local,
            LocalFolder = Archives,
        })).Value!;

    private async Task<BackupSchedule> PanelScheduleAsync(int? keepLast = null, TestHost? host = null)
    {
        var destination = await LocalDestinationAsync(host);
        var saved = await (host ?? _host).Get<PanelBackupService>().SaveScheduleAsync(_admin, new BackupScheduleInput
        {
            Cron = "* * * * *",
            DestinationId = destination.Id,
            KeepLast = keepLast,
        });
        Assert.True(saved.IsSuccess, saved.Error?.Message);
        return saved.Value!;
    }

    /// <summary>Claims the one queued run and works it as the hosted worker does.</summary>
    private async Task<BackupRun> WorkOneAsync()
    {
        var claimed = Assert.Single(await _host.Get<IBackupRunRepository>().ClaimAsync(5, DateTimeOffset.UtcNow));
        var ended = await _host.Get<BackupWorker>().RunAsync(claimed, CancellationToken.None);
        Assert.NotNull(ended);
        return ended;
    }

    [Fact]
    public async Task A_target_with_a_backup_queued_or_running_is_never_queued_or_claimed_twice()
    {
        await PanelScheduleAsync();
        var panel = _host.Get<PanelBackupService>();
        var runs = _host.Get<IBackupRunRepository>();

        var first = await panel.BackUpNowAsync(_admin);
        var second = await panel.BackUpNowAsync(_admin);
        var scheduled = await _host.Get<BackupScheduler>().QueueDueAsync(DateTimeOffset.UtcNow.AddMinutes(5), CancellationToken.None);
        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => runs.ClaimAsync(5, DateTimeOffset.UtcNow)));
        var whileRunning = await panel.BackUpNowAsync(_admin);

        Assert.True(first.IsSuccess);
        Assert.Equal(ErrorKind.Conflict, second.Error?.Kind);
        Assert.Empty(scheduled);
        Assert.Equal([first.Value!.Id], claims.SelectMany(c => c).Select(r => r.Id));
        Assert.Equal(ErrorKind.Conflict, whileRunning.Error?.Kind);
        Assert.Single((await panel.OverviewAsync(_admin)).Value!.Runs);
    }

    [Fact]
    public async Task A_scheduled_backup_of_the_panel_database_lands_in_the_local_folder_and_restores_into_another_database()
    {
        var marker = (await _host.Get<ProjectService>().CreateAsync(_admin, new ProjectInput("Backed up", null))).Value!;
        await PanelScheduleAsync();

        var queued = Assert.Single(await _host.Get<BackupScheduler>().QueueDueAsync(DateTimeOffset.UtcNow.AddMinutes(2), CancellationToken.None));
        var run = await WorkOneAsync();

        Assert.Equal(BackupTrigger.Scheduled, queued.Trigger);
        Assert.True(run.State == BackupRunState.Succeeded, run.Error);
        Assert.True(run.Bytes > 0);
        Assert.NotNull(run.Duration);
        var file = Path.Combine(Archives, run.ArchiveKey!);
        Assert.Equal(run.Bytes, new FileInfo(file).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Empty(Directory.GetFiles(Path.Combine(_host.DataPath, "backup-temp")));

        // Restoring the panel's database is the operator's: download the archive, restore it with BackupService (the CLI's verb).
        var download = (await _host.Get<PanelBackupService>().OpenArchiveAsync(_admin, run.Id)).Value!;
        var copy = Path.Combine(_folder, download.FileName);
        await using (download.Content)
        await using (var target = File.Create(copy))
        {
            await download.Content.CopyToAsync(target);
        }

        await using var restored = await TestHost.StartAsync(postgres, "backups_restored", _keys);
        var restore = await restored.Get<BackupService>().RestoreAsync(Actor.Operator, copy, force: true);
        Assert.True(restore.IsSuccess, restore.Error?.Message);
        Assert.NotNull(await restored.Get<IProjectRepository>().GetAsync(marker.Id));
    }

    [Fact]
    public async Task Retention_keeps_the_last_n_archives_and_removes_the_older_ones_from_the_folder()
    {
        await PanelScheduleAsync(keepLast: 2);
        var panel = _host.Get<PanelBackupService>();
        var done = new List<BackupRun>();
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await panel.BackUpNowAsync(_admin)).IsSuccess);
            done.Add(await WorkOneAsync());
        }

        var runs = _host.Get<IBackupRunRepository>();
        var oldest = (await runs.GetAsync(done[0].Id))!;
        Assert.All(done, r => Assert.Equal(BackupRunState.Succeeded, r.State));
        Assert.NotNull(oldest.PrunedAt);
        Assert.False(File.Exists(Path.Combine(Archives, done[0].ArchiveKey!)));
        Assert.Equal(
            done.Skip(1).Select(r => Path.GetFileName(r.ArchiveKey!)).Order(),
            Directory.GetFiles(Path.Combine(Archives, "panel-database")).Select(Path.GetFileName).Order());
        Assert.Equal(ErrorKind.Conflict, (await panel.OpenArchiveAsync(_admin, done[0].Id)).Error?.Kind);
    }

    [Fact]
    public async Task A_backup_left_running_by_a_killed_panel_is_recorded_failed_when_the_panel_starts_again()
    {
        await PanelScheduleAsync();
        var queued = (await _host.Get<PanelBackupService>().BackUpNowAsync(_admin)).Value!;
        // What a killed panel leaves: the run claimed (running) and nobody working it, its temporary dump, and the
        // destination's partial file of its archive. A partial file of another run is not this run's to remove.
        var claimed = Assert.Single(await _host.Get<IBackupRunRepository>().ClaimAsync(5, DateTimeOffset.UtcNow));
        var dump = BackupRunner.PanelDumpPath(_host.Get<Microsoft.Extensions.Options.IOptions<BackupRunOptions>>().Value, claimed);
        Directory.CreateDirectory(Path.GetDirectoryName(dump)!);
        await File.WriteAllTextAsync(dump, "half a dump");
        var folder = Path.Combine(Archives, "panel-database");
        Directory.CreateDirectory(folder);
        var partial = Path.Combine(folder, ".partial-" + Path.GetFileName(BackupArchiveKeys.For(claimed, ".pgdump")) + ".0123456789abcdef");
        var othersPartial = Path.Combine(folder, ".partial-20990101T000000Z-0badc0de.pgdump.0123456789abcdef");
        await File.WriteAllTextAsync(partial, "half an archive");
        await File.WriteAllTextAsync(othersPartial, "another run's");

        // The restarted panel has the same data folder on a real server, so the same temporary folder.
        var restartSettings = new Dictionary<string, string?>(_keys) { [$"{BackupRunOptions.SectionName}:TempFolder"] = Path.GetDirectoryName(dump) };
        await using var restarted = await TestHost.StartOnAsync(_host.ConnectionString, restartSettings,
            services => services.AddHostedService(sp => sp.GetRequiredService<BackupWorker>()));
        var runs = restarted.Get<IBackupRunRepository>();
        await Wait.UntilAsync(async () => (await runs.GetAsync(queued.Id))!.State != BackupRunState.Running, "the restarted panel's recovery");

        var ended = (await runs.GetAsync(queued.Id))!;
        Assert.Equal(BackupRunState.Failed, ended.State);
        Assert.Equal(BackupWorker.InterruptedReason, ended.Error);
        Assert.NotNull(ended.EndedAt);
        Assert.Null(await runs.GetInFlightAsync(PanelDatabase.TargetId));
        Assert.False(File.Exists(dump), "the killed run's temporary dump is left");
        Assert.False(File.Exists(partial), "the killed run's partial archive is left");
        Assert.True(File.Exists(othersPartial), "another run's partial file was removed");
    }

    [Fact]
    public async Task A_queued_backup_canceled_before_it_starts_is_never_run()
    {
        await PanelScheduleAsync();
        var panel = _host.Get<PanelBackupService>();
        var queued = (await panel.BackUpNowAsync(_admin)).Value!;

        var canceled = await panel.CancelAsync(_admin, queued.Id);

        Assert.Equal(BackupRunState.Canceled, canceled.Value!.State);
        Assert.Empty(await _host.Get<IBackupRunRepository>().ClaimAsync(5, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task A_destination_used_by_a_schedule_cannot_be_deleted_and_its_secrets_are_encrypted_at_rest()
    {
        var schedule = await PanelScheduleAsync();
        var destinations = _host.Get<BackupDestinationService>();
        var s3 = await destinations.CreateAsync(_admin, new BackupDestinationInput
        {
            Name = "s3",
            Kind = BackupDestinationKind.S3,
            S3Bucket = "goforge-backups",
            S3Region = "us-east-1",
            S3AccessKeyId = "AKIAEXAMPLE",
            S3SecretAccessKey = "very-secret-key-material",
            EncryptArchives = true,
        });

        var refused = await destinations.DeleteAsync(_admin, schedule.DestinationId);
        var spec = await _host.Get<IBackupDestinationRepository>().OpenSpecAsync(s3.Value!.Id);
        var taken = await destinations.CreateAsync(_admin, new BackupDestinationInput { Name = "disk", Kind = BackupDestinationKind.Local, LocalFolder = "/srv/other" });

        Assert.Equal(ErrorKind.Conflict, refused.Error?.Kind);
        Assert.Equal("very-secret-key-material", spec!.S3!.SecretAccessKey);
        Assert.Equal(32, spec.ArchiveKey!.Length);
        Assert.True(s3.Value.EncryptsArchives);
        Assert.Equal(ErrorKind.Validation, taken.Error?.Kind);
        await using var conn = new Npgsql.NpgsqlConnection(_host.ConnectionString);
        await conn.OpenAsync();
        await using var dump = new Npgsql.NpgsqlCommand("SELECT string_agg(encode(secret_ciphertext, 'escape'), '') FROM backup_destination_secrets", conn);
        Assert.DoesNotContain("very-secret-key-material", (string)(await dump.ExecuteScalarAsync())!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Members_are_refused_every_destination_and_panel_database_method_but_may_list_destination_names()
    {
        var schedule = await PanelScheduleAsync();
        var run = (await _host.Get<PanelBackupService>().BackUpNowAsync(_admin)).Value!;
        var member = Actor.From(await TestUsers.CreateAsync(_host));
        var destinations = _host.Get<BackupDestinationService>();
        var panel = _host.Get<PanelBackupService>();
        var input = new BackupDestinationInput { Name = "stolen", Kind = BackupDestinationKind.Local, LocalFolder = "/tmp/stolen" };
        var calls = new Dictionary<string, Func<Task<Error?>>>
        {
            ["BackupDestinationService.ListAsync"] = async () => (await destinations.ListAsync(member)).Error,
            ["BackupDestinationService.GetAsync"] = async () => (await destinations.GetAsync(member, schedule.DestinationId)).Error,
            ["BackupDestinationService.CreateAsync"] = async () => (await destinations.CreateAsync(member, input)).Error,
            ["BackupDestinationService.UpdateAsync"] = async () => (await destinations.UpdateAsync(member, schedule.DestinationId, input)).Error,
            ["BackupDestinationService.DeleteAsync"] = async () => (await destinations.DeleteAsync(member, schedule.DestinationId)).Error,
            ["PanelBackupService.OverviewAsync"] = async () => (await panel.OverviewAsync(member)).Error,
            ["PanelBackupService.SaveScheduleAsync"] = async () => (await panel.SaveScheduleAsync(member, new BackupScheduleInput { Cron = "0 0 * * *", DestinationId = schedule.DestinationId })).Error,
            ["PanelBackupService.BackUpNowAsync"] = async () => (await panel.BackUpNowAsync(member)).Error,
            ["PanelBackupService.GetRunAsync"] = async () => (await panel.GetRunAsync(member, run.Id)).Error,
            ["PanelBackupService.CancelAsync"] = async () => (await panel.CancelAsync(member, run.Id)).Error,
            ["PanelBackupService.OpenArchiveAsync"] = async () => (await panel.OpenArchiveAsync(member, run.Id)).Error,
        };
        var methods = new[] { typeof(BackupDestinationService), typeof(PanelBackupService) }
            .SelectMany(t => t.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly).Select(m => $"{t.Name}.{m.Name}"))
            .Except(["BackupDestinationService.ChoicesAsync"]);

        Assert.Equal(methods.Order(), calls.Keys.Order());
        foreach (var (name, call) in calls)
        {
            Assert.True((await call())?.Kind == ErrorKind.Forbidden, $"{name} did not refuse a member");
        }

        Assert.Equal(["disk"], (await destinations.ChoicesAsync(member)).Select(c => c.Name));
        Assert.Equal(BackupRunState.Queued, (await _host.Get<IBackupRunRepository>().GetAsync(run.Id))!.State);
        Assert.Equal("* * * * *", (await panel.OverviewAsync(_admin)).Value!.Schedule!.Cron);
    }
}
