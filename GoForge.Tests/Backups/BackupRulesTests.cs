using GoForge.Core.Backups;

namespace GoForge.Tests.Backups;

/// <summary>Destination, cron and retention rules, checked once in Core, against hostile inputs.</summary>
public sealed class BackupRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static GoForge.Core.Common.Result<BackupDestination> Local(string? folder) =>
        BackupDestinationRules.Validate(new BackupDestinationInput { Name = "disk", Kind = BackupDestinationKind.Local, LocalFolder = folder }, Guid.NewGuid(), Now, Now, false);

    private static BackupDestinationInput S3() => new()
    {
        Name = "bucket",
        Kind = BackupDestinationKind.S3,
        S3Bucket = "goforge-backups",
        S3Prefix = "panel/one",
        S3Region = "us-east-1",
        S3Endpoint = "https://s3.example.com:9000",
        S3AccessKeyId = "AKIAEXAMPLE",
        S3SecretAccessKey = "secret",
    };

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("relative/folder")]
    [InlineData("./backups")]
    [InlineData("/")]
    [InlineData("//")]
    [InlineData("/srv/../etc")]
    [InlineData("/srv/./backups")]
    [InlineData("/srv/backups/..")]
    [InlineData("/srv/back\nups")]
    [InlineData("/srv/back\0ups")]
    [InlineData("/srv/\u001bbackups")]
    [InlineData("C:\\backups")]
    public void A_local_folder_that_is_not_a_plain_absolute_path_is_refused(string? folder)
    {
        var result = Local(folder);

        Assert.False(result.IsSuccess);
        Assert.Contains(nameof(BackupDestinationInput.LocalFolder), result.Error!.FieldErrors.Keys);
    }

    [Fact]
    public void A_local_folder_is_normalized_without_repeated_or_trailing_separators()
    {
        Assert.Equal("/srv/backups/goforge", Local("//srv//backups/goforge/").Value!.LocalFolder);
    }

    [Fact]
    public void An_overlong_folder_is_refused()
    {
        Assert.False(Local("/" + new string('a', BackupDestinationRules.MaxFolderLength + 1)).IsSuccess);
    }

    [Theory]
    [InlineData(nameof(BackupDestinationInput.S3Bucket), "Upper")]
    [InlineData(nameof(BackupDestinationInput.S3Bucket), "ab")]
    [InlineData(nameof(BackupDestinationInput.S3Bucket), "a..b")]
    [InlineData(nameof(BackupDestinationInput.S3Bucket), "192.168.1.1")]
    [InlineData(nameof(BackupDestinationInput.S3Bucket), "-bucket")]
    [InlineData(nameof(BackupDestinationInput.S3Bucket), "bucket/../x")]
    [InlineData(nameof(BackupDestinationInput.S3Prefix), "a/../b")]
    [InlineData(nameof(BackupDestinationInput.S3Prefix), "a//b")]
    [InlineData(nameof(BackupDestinationInput.S3Prefix), "a/b c")]
    [InlineData(nameof(BackupDestinationInput.S3Prefix), "a/\nb")]
    [InlineData(nameof(BackupDestinationInput.S3Region), "")]
    [InlineData(nameof(BackupDestinationInput.S3Region), "us east")]
    [InlineData(nameof(BackupDestinationInput.S3Endpoint), "ftp://s3.example.com")]
    [InlineData(nameof(BackupDestinationInput.S3Endpoint), "https://user:pass@s3.example.com")]
    [InlineData(nameof(BackupDestinationInput.S3Endpoint), "https://s3.example.com/bucket")]
    [InlineData(nameof(BackupDestinationInput.S3Endpoint), "https://s3.example.com/?x=1")]
    [InlineData(nameof(BackupDestinationInput.S3Endpoint), "not a url")]
    [InlineData(nameof(BackupDestinationInput.S3AccessKeyId), "")]
    [InlineData(nameof(BackupDestinationInput.S3AccessKeyId), "AKIA EXAMPLE")]
    [InlineData(nameof(BackupDestinationInput.S3SecretAccessKey), "")]
    [InlineData(nameof(BackupDestinationInput.S3SecretAccessKey), "sec\nret")]
    public void A_hostile_or_malformed_s3_setting_is_refused_on_its_field(string field, string value)
    {
        var input = S3();
        typeof(BackupDestinationInput).GetProperty(field)!.SetValue(input, value);

        var result = BackupDestinationRules.Validate(input, Guid.NewGuid(), Now, Now, hasStoredSecret: false);

        Assert.False(result.IsSuccess);
        Assert.Equal([field], result.Error!.FieldErrors.Keys);
    }

    [Fact]
    public void A_sane_s3_destination_is_accepted_and_an_update_may_keep_the_stored_secret()
    {
        var created = BackupDestinationRules.Validate(S3(), Guid.NewGuid(), Now, Now, hasStoredSecret: false);
        var updated = BackupDestinationRules.Validate(S3() with { S3SecretAccessKey = "" }, Guid.NewGuid(), Now, Now, hasStoredSecret: true);

        Assert.True(created.IsSuccess);
        Assert.Equal("panel/one", created.Value!.S3Prefix);
        Assert.Equal(new Uri("https://s3.example.com:9000/"), created.Value.S3Endpoint);
        Assert.True(updated.IsSuccess);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("every day")]
    [InlineData("* * * *")]
    [InlineData("0 0 3 * * *")]
    [InlineData("61 * * * *")]
    [InlineData("* 25 * * *")]
    [InlineData("0 3 * * *\n0 4 * * *")]
    [InlineData("0 0 30 2 *")]
    public void An_invalid_cron_expression_is_a_clear_validation_error_on_the_cron_field(string? cron)
    {
        var result = BackupScheduleRules.Validate(new BackupScheduleInput { Cron = cron, DestinationId = Guid.NewGuid() });

        Assert.False(result.IsSuccess);
        Assert.Equal([nameof(BackupScheduleInput.Cron)], result.Error!.FieldErrors.Keys);
        Assert.Contains("cron", result.Error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(-1, null)]
    [InlineData(1001, null)]
    [InlineData(null, 0)]
    [InlineData(null, 3651)]
    public void Retention_outside_its_bounds_is_refused(int? keepLast, int? keepDays)
    {
        var result = BackupScheduleRules.Validate(new BackupScheduleInput { Cron = "0 3 * * *", DestinationId = Guid.NewGuid(), KeepLast = keepLast, KeepDays = keepDays });

        Assert.False(result.IsSuccess);
    }

    [Fact]
    public void A_valid_schedule_is_accepted_trimmed_and_the_server_time_zone_is_named()
    {
        var result = BackupScheduleRules.Validate(new BackupScheduleInput { Cron = " 30 2 * * 1-5 ", DestinationId = Guid.NewGuid(), KeepLast = 7 });

        Assert.Equal("30 2 * * 1-5", result.Value!.Cron);
        Assert.Contains(TimeZoneInfo.Local.Id, BackupScheduleRules.TimeZoneDisplay, StringComparison.Ordinal);
    }

    private static BackupRun Archive(int daysAgo) => new()
    {
        Id = Guid.NewGuid(),
        Kind = BackupRunKind.Backup,
        TargetKind = BackupTargetKind.PanelDatabase,
        TargetId = PanelDatabase.TargetId,
        DestinationName = "disk",
        Trigger = BackupTrigger.Scheduled,
        State = BackupRunState.Succeeded,
        ArchiveKey = $"a{daysAgo}",
        CreatedAt = Now.AddDays(-daysAgo),
        EndedAt = Now.AddDays(-daysAgo),
    };

    [Fact]
    public void Retention_keeps_the_last_n_or_the_last_days_whichever_keeps_more_and_never_the_newest()
    {
        var archives = new[] { 0, 1, 2, 5, 10, 40 }.Select(Archive).ToList();

        var byCount = BackupScheduleRules.ToPrune(archives, keepLast: 2, keepDays: null, Now).Select(r => r.ArchiveKey);
        var byAge = BackupScheduleRules.ToPrune(archives, keepLast: null, keepDays: 7, Now).Select(r => r.ArchiveKey);
        var both = BackupScheduleRules.ToPrune(archives, keepLast: 5, keepDays: 3, Now).Select(r => r.ArchiveKey);
        var none = BackupScheduleRules.ToPrune(archives, keepLast: null, keepDays: null, Now);
        var onlyOld = BackupScheduleRules.ToPrune([Archive(400)], keepLast: null, keepDays: 1, Now);

        Assert.Equal(["a2", "a5", "a10", "a40"], byCount);
        Assert.Equal(["a10", "a40"], byAge);
        Assert.Equal(["a40"], both);
        Assert.Empty(none);
        Assert.Empty(onlyOld);
    }
}
