using GoForge.Core.Backups;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Services;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Backups;

/// <summary>
/// The whole path on real parts: a PostgreSQL service (the local PostgreSQL 17 test image started from the shipped
/// template) backed up by the queue's worker through the registered engine and Docker's exec into a local folder, or
/// into a real S3 server with client-side encryption; rows deleted, then restored from that archive by the worker: the
/// rows are back and the restore is recorded verified.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ServiceBackupEndToEndTests(PostgresFixture postgres, DockerFixture docker, S3Server s3) : IClassFixture<DockerFixture>, IClassFixture<S3Server>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("goforge-e2e-backups-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(BackupDestinationKind.Local)]
    [InlineData(BackupDestinationKind.S3)]
    public async Task A_postgresql_service_backed_up_and_restored_gets_its_rows_back_verified(BackupDestinationKind kind)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var ct = timeout.Token;
        await using var db = await CatalogDatabase.StartAsync(docker, "postgresql", LocalImages.PostgresAsync, ct);
        await using var host = await TestHost.StartAsync(postgres, "backup_e2e", new Dictionary<string, string?> { ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString() });
        var maintainer = Actor.From(await TestUsers.CreateAsync(host));
        var admin = Actor.From(await TestUsers.CreateAsync(host, UserRole.Admin));
        var project = (await host.Get<ProjectService>().CreateAsync(maintainer, new ProjectInput("Data", null), ct)).Value!;
        var environment = (await host.Get<EnvironmentService>().ListAsync(maintainer, project.Id, ct)).Value![0];
        var now = DateTimeOffset.UtcNow;
        // The service's row points at the running container, as the service worker leaves a created service.
        var service = new ServiceInstance
        {
            Id = Guid.NewGuid(),
            ProjectId = project.Id,
            EnvironmentId = environment.Id,
            TemplateId = "postgresql",
            Version = "17",
            Name = "db",
            Slug = "db",
            State = ServiceState.Running,
            ContainerId = db.ContainerId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        Assert.Equal(SaveOutcome.Saved, await host.Get<IServiceInstanceRepository>().TryCreateAsync(service, db.Target.Inputs, null, ct));
        await PsqlAsync(db, "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 250) g;", ct);
        var prefix = "e2e-" + Guid.NewGuid().ToString("N")[..8];
        var created = await host.Get<BackupDestinationService>().CreateAsync(admin, kind == BackupDestinationKind.Local
            ? new BackupDestinationInput { Name = "disk", Kind = kind, LocalFolder = _folder }
            : new BackupDestinationInput
            {
                Name = "bucket", Kind = kind, S3Bucket = S3Server.Bucket, S3Prefix = prefix, S3Region = S3Server.Region,
                S3Endpoint = s3.Endpoint.ToString(), S3PathStyle = true, S3AccessKeyId = S3Server.AccessKeyId,
                S3SecretAccessKey = s3.SecretAccessKey, EncryptArchives = true,
            }, ct);
        Assert.True(created.IsSuccess, created.Error?.Message);
        var destination = created.Value!;
        var backups = host.Get<ServiceBackupService>();
        var saved = await backups.SaveScheduleAsync(maintainer, service.Id, new BackupScheduleInput { Cron = "0 3 * * *", DestinationId = destination.Id, KeepLast = 3 }, ct);
        Assert.True(saved.IsSuccess, saved.Error?.Message);

        Assert.True((await backups.BackUpNowAsync(maintainer, service.Id, ct)).IsSuccess);
        var backup = await WorkOneAsync(host, ct);
        await PsqlAsync(db, "DELETE FROM items WHERE id > 100; UPDATE items SET name = 'changed';", ct);
        var restoreQueued = await backups.RestoreAsync(maintainer, service.Id, backup.Id, "db", ct);
        Assert.True(restoreQueued.IsSuccess, restoreQueued.Error?.Message);
        var restore = await WorkOneAsync(host, ct);

        Assert.True(backup.State == BackupRunState.Succeeded, backup.Error);
        Assert.Equal("postgresql", backup.Engine);
        Assert.Equal(250, backup.Fingerprint!.Counts["public.items"]);
        if (kind == BackupDestinationKind.Local)
        {
            Assert.Equal(backup.Bytes, new FileInfo(Path.Combine(_folder, backup.ArchiveKey!)).Length);
        }
        else
        {
            // In the bucket under the destination's prefix, encrypted: GoForge's archive header, not a tar.
            using var client = s3.Client();
            using var stored = await client.GetObjectAsync(S3Server.Bucket, $"{prefix}/{backup.ArchiveKey}", ct);
            var head = new byte[8];
            await stored.ResponseStream.ReadExactlyAsync(head, ct);
            Assert.Equal("GFBACKUP", System.Text.Encoding.ASCII.GetString(head));
        }

        Assert.True(restore.State == BackupRunState.Succeeded, restore.Error);
        Assert.True(restore.Verified, restore.Verification);
        Assert.Equal("250|item 7", (await PsqlAsync(db, "SELECT count(*) || '|' || (SELECT name FROM items WHERE id = 7) FROM items", ct)).Trim());
    }

    private static async Task<BackupRun> WorkOneAsync(TestHost host, CancellationToken ct)
    {
        var claimed = Assert.Single(await host.Get<IBackupRunRepository>().ClaimAsync(5, DateTimeOffset.UtcNow, ct));
        var ended = await host.Get<BackupWorker>().RunAsync(claimed, ct);
        Assert.NotNull(ended);
        return ended;
    }

    private static Task<string> PsqlAsync(CatalogDatabase db, string sql, CancellationToken ct) =>
        db.RunAsync(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"], new Dictionary<string, string>
        {
            ["PGUSER"] = db.Target.Inputs["user"],
            ["PGPASSWORD"] = db.Target.Inputs["password"],
            ["PGDATABASE"] = db.Target.Inputs["db"],
        }, ct, sql);
}
