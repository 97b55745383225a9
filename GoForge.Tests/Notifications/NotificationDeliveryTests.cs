using System.Text.Json;
using Dapper;
using GoForge.Core.Common;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Notifications;
using GoForge.Core.Projects;
using GoForge.Infrastructure.Notifications;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GoForge.Tests.Notifications;

/// <summary>
/// Notifications end to end on real parts: PostgreSQL's queue, the dispatcher, real HTTP receivers on 127.0.0.1 that
/// check payloads and signatures, and a real SMTP server (aiosmtpd) that requires STARTTLS.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class NotificationDeliveryTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string SigningSecret = "whsec-0123456789abcdef-goforge";

    private NotificationReceiver _receiver = null!;
    private SmtpServer _smtp = null!;
    private TestHost _host = null!;
    private Actor _admin = null!;
    private Actor _maintainer = null!;

    public static Dictionary<string, string?> FastDelivery() => new()
    {
        ["GoForge:Notifications:InitialBackoff"] = "00:00:01",
        ["GoForge:Notifications:MaxBackoff"] = "00:00:04",
        ["GoForge:Notifications:MaxAttempts"] = "3",
        ["GoForge:Notifications:PollInterval"] = "00:00:00.200",
        ["GoForge:Notifications:SendTimeout"] = "00:00:10",
        ["GoForge:Notifications:ClaimLease"] = "00:00:30",
        ["GoForge:Notifications:RateLimitWindow"] = "01:00:00",
        ["GoForge:Notifications:PerSubjectLimit"] = "3",
        ["GoForge:Notifications:PerChannelLimit"] = "30",
    };

    public async Task InitializeAsync()
    {
        _receiver = await NotificationReceiver.StartAsync();
        _smtp = await SmtpServer.StartAsync();
        _host = await StartHostAsync(await postgres.CreateDatabaseAsync("notify"));
        _admin = Actor.From(await TestUsers.CreateAsync(_host, UserRole.Admin));
        _maintainer = Actor.From(await TestUsers.CreateAsync(_host));
    }

    private Task<TestHost> StartHostAsync(string connectionString, bool dispatcher = true, string? dataPath = null)
    {
        var settings = FastDelivery();
        if (dataPath is not null)
        {
            settings["GoForge:DataPath"] = dataPath;
        }

        var thumbprint = _smtp.Certificate.Thumbprint;
        return TestHost.StartOnAsync(connectionString, settings, services =>
        {
            if (dispatcher)
            {
                services.AddHostedService<NotificationDispatcher>();
            }

            // Trust exactly the test server's self-made certificate; the panel uses the system's trust store.
            services.AddSingleton(new SmtpCertificatePolicy { Validate = (_, cert, _, _) => cert?.GetCertHashString() == thumbprint });
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private NotificationChannelService Channels => _host.Get<NotificationChannelService>();

    private async Task<NotificationChannel> AddChannelAsync(Guid? projectId, ChannelInput input, Actor? actor = null)
    {
        var created = await Channels.CreateAsync(actor ?? _maintainer, projectId, input);
        Assert.True(created.IsSuccess, created.Error?.Message + " " + string.Join("; ", created.Error?.FieldErrors.SelectMany(f => f.Value.Select(v => $"{f.Key}: {v}")) ?? []));
        return created.Value!;
    }

    private ChannelInput Webhook(string path, params NotificationKind[] kinds) => new()
    {
        Kind = ChannelKind.Webhook,
        Name = "hook " + path,
        WebhookUrl = _receiver.UrlOf(path).AbsoluteUri,
        SigningSecret = SigningSecret,
        Subscriptions = kinds,
    };

    private async Task<IReadOnlyList<DeliveryLogEntry>> LogAsync(Guid channelId) =>
        (await Channels.ListDeliveriesAsync(_admin, channelId)).Value!;

    private async Task<IReadOnlyList<DeliveryLogEntry>> SettledLogAsync(Guid channelId, int rows)
    {
        IReadOnlyList<DeliveryLogEntry> log = [];
        await Wait.UntilAsync(async () =>
        {
            log = await LogAsync(channelId);
            return log.Count == rows && log.All(e => e.Status is DeliveryStatus.Delivered or DeliveryStatus.Failed or DeliveryStatus.Suppressed);
        }, $"{rows} settled deliveries on channel {channelId}");
        return log;
    }

    private static NotificationEvent BackupFailed(Guid projectId, Guid backup) => new(
        NotificationKind.BackupFailed, projectId, backup, "Backup of orders-db failed",
        "pg_dump exited with code 1: connection refused",
        new Dictionary<string, string> { ["Service"] = "orders-db", ["Destination"] = "s3: backups/orders" },
        DateTimeOffset.UtcNow);

    [Fact]
    public async Task A_failing_backup_notifies_by_email_over_starttls_and_by_a_signed_webhook()
    {
        var (project, _) = await _host.Services.CreateProjectAsync(_maintainer, "Backups " + Guid.NewGuid().ToString("N")[..6]);
        var hook = await AddChannelAsync(project.Id, Webhook("/hook/backup", NotificationKind.BackupFailed));
        var mail = await AddChannelAsync(project.Id, new ChannelInput
        {
            Kind = ChannelKind.Email,
            Name = "ops mail",
            SmtpHost = "127.0.0.1",
            SmtpPort = _smtp.Port,
            SmtpSecurity = SmtpSecurity.StartTls,
            From = "goforge@panel.test",
            To = "ops@example.test, oncall@example.test",
            Subscriptions = [NotificationKind.BackupFailed],
        });
        var backup = Guid.NewGuid();

        await _host.Get<INotifications>().PublishAsync(BackupFailed(project.Id, backup));

        Assert.Equal(DeliveryStatus.Delivered, Assert.Single(await SettledLogAsync(hook.Id, 1)).Status);
        Assert.Equal(DeliveryStatus.Delivered, Assert.Single(await SettledLogAsync(mail.Id, 1)).Status);
        var post = Assert.Single(_receiver.PostsTo("/hook/backup"));
        Assert.True(WebhookSignature.Verify(SigningSecret, post.Headers[WebhookSignature.TimestampHeader], post.Headers[WebhookSignature.SignatureHeader], post.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)),
            "the receiver could not verify the signature");
        Assert.False(WebhookSignature.Verify("another-secret-of-some-length", post.Headers[WebhookSignature.TimestampHeader], post.Headers[WebhookSignature.SignatureHeader], post.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        using var body = JsonDocument.Parse(post.Body);
        Assert.Equal("BackupFailed", body.RootElement.GetProperty("kind").GetString());
        Assert.Equal(project.Id.ToString(), body.RootElement.GetProperty("projectId").GetString());
        Assert.Equal(backup.ToString(), body.RootElement.GetProperty("subject").GetString());
        Assert.Equal("orders-db", body.RootElement.GetProperty("facts").GetProperty("Service").GetString());
        Assert.Equal("BackupFailed", post.Headers[WebhookSignature.EventHeader]);

        var message = Assert.Single(_smtp.Messages(), m => m.Contains(backup.ToString(), StringComparison.Ordinal) || m.Contains("orders-db", StringComparison.Ordinal));
        Assert.Contains("Subject: [GoForge] Backup of orders-db failed", message, StringComparison.Ordinal);
        Assert.Contains("ops@example.test", message, StringComparison.Ordinal);
        Assert.Contains("oncall@example.test", message, StringComparison.Ordinal);
        Assert.Contains("pg_dump exited with code 1", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_deployment_notifies_slack_and_discord_in_their_formats()
    {
        var (project, production) = await _host.Services.CreateProjectAsync(_maintainer, "Deploys " + Guid.NewGuid().ToString("N")[..6]);
        var app = await _host.Services.CreateApplicationAsync(_maintainer, production.Id, "shop");
        var slack = await AddChannelAsync(project.Id, new ChannelInput
        {
            Kind = ChannelKind.Slack, Name = "slack", SecretUrl = _receiver.UrlOf("/slack/T000/B000/slack-token-1").AbsoluteUri,
            Subscriptions = [NotificationKind.DeploymentFailed],
        });
        var discord = await AddChannelAsync(project.Id, new ChannelInput
        {
            Kind = ChannelKind.Discord, Name = "discord", SecretUrl = _receiver.UrlOf("/discord/1234/discord-token-1").AbsoluteUri,
            Subscriptions = [NotificationKind.DeploymentFailed, NotificationKind.DeploymentSucceeded],
        });

        // The runner's path: the worker starts the deployment and the build fails; DeploymentStates records it and tells.
        var deployment = (await _host.Get<DeploymentService>().EnqueueAsync(_maintainer, app.Id)).Value!;
        var states = _host.Get<DeploymentStates>();
        Assert.True((await states.TransitionAsync(deployment.Id, DeploymentTrigger.Start, TransitionRequest.System())).IsSuccess);
        Assert.True((await states.TransitionAsync(deployment.Id, DeploymentTrigger.Fail, TransitionRequest.System("The build failed: <!channel> exit code 1"))).IsSuccess);

        Assert.Equal(DeliveryStatus.Delivered, Assert.Single(await SettledLogAsync(slack.Id, 1)).Status);
        Assert.Equal(DeliveryStatus.Delivered, Assert.Single(await SettledLogAsync(discord.Id, 1)).Status);

        using var slackBody = JsonDocument.Parse(Assert.Single(_receiver.PostsTo("/slack/T000/B000/slack-token-1")).Body);
        Assert.Contains("Deployment of shop failed", slackBody.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
        var blocks = slackBody.RootElement.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal("header", blocks[0].GetProperty("type").GetString());
        Assert.Equal("Deployment of shop failed", blocks[0].GetProperty("text").GetProperty("text").GetString());
        var section = blocks[1].GetProperty("text").GetProperty("text").GetString();
        Assert.Contains("&lt;!channel&gt;", section, StringComparison.Ordinal); // text from the build cannot ping the channel
        Assert.Contains(blocks, b => b.TryGetProperty("fields", out var f) && f.EnumerateArray().Any(x => x.GetProperty("text").GetString() == "*Application*\nshop"));

        using var discordBody = JsonDocument.Parse(Assert.Single(_receiver.PostsTo("/discord/1234/discord-token-1")).Body);
        var embed = Assert.Single(discordBody.RootElement.GetProperty("embeds").EnumerateArray());
        Assert.Equal("Deployment of shop failed", embed.GetProperty("title").GetString());
        Assert.Contains("exit code 1", embed.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains(embed.GetProperty("fields").EnumerateArray(), f => f.GetProperty("name").GetString() == "Deployment" && f.GetProperty("value").GetString() == deployment.Id.ToString());
        Assert.Empty(discordBody.RootElement.GetProperty("allowed_mentions").GetProperty("parse").EnumerateArray());
    }

    [Fact]
    public async Task A_flapping_service_is_rate_limited_and_the_rest_is_recorded_as_suppressed()
    {
        var (project, _) = await _host.Services.CreateProjectAsync(_maintainer, "Flaps " + Guid.NewGuid().ToString("N")[..6]);
        var hook = await AddChannelAsync(project.Id, Webhook("/hook/flap", NotificationKind.ServiceUnhealthy));
        var service = Guid.NewGuid();
        var notifications = _host.Get<INotifications>();

        for (var i = 0; i < 10; i++)
        {
            await notifications.PublishAsync(new NotificationEvent(NotificationKind.ServiceUnhealthy, project.Id, service, "Service cache is unhealthy", $"flap {i}", new Dictionary<string, string>(), DateTimeOffset.UtcNow));
        }

        var log = await SettledLogAsync(hook.Id, 10);
        Assert.Equal(3, log.Count(e => e.Status == DeliveryStatus.Delivered));
        Assert.Equal(7, log.Count(e => e.Status == DeliveryStatus.Suppressed));
        Assert.Equal(3, _receiver.PostsTo("/hook/flap").Count);

        // Another subject is another stream: not held back by the first one's limit.
        await notifications.PublishAsync(new NotificationEvent(NotificationKind.ServiceUnhealthy, project.Id, Guid.NewGuid(), "Service queue is unhealthy", "", new Dictionary<string, string>(), DateTimeOffset.UtcNow));
        Assert.Equal(4, (await SettledLogAsync(hook.Id, 11)).Count(e => e.Status == DeliveryStatus.Delivered));
    }

    [Fact]
    public async Task A_receiver_answering_500_is_retried_after_a_back_off_until_it_answers_200()
    {
        var (project, _) = await _host.Services.CreateProjectAsync(_maintainer, "Retry " + Guid.NewGuid().ToString("N")[..6]);
        var hook = await AddChannelAsync(project.Id, Webhook("/hook/retry", NotificationKind.BackupFailed));
        _receiver.Script("/hook/retry", 500);

        await _host.Get<INotifications>().PublishAsync(BackupFailed(project.Id, Guid.NewGuid()));

        var entry = Assert.Single(await SettledLogAsync(hook.Id, 1));
        Assert.Equal(DeliveryStatus.Delivered, entry.Status);
        Assert.Equal(2, entry.Attempts);
        var posts = _receiver.PostsTo("/hook/retry");
        Assert.Equal(2, posts.Count);
        // A lower bound only: the retry cannot come before the first back-off (1 s here) has passed.
        Assert.True(posts[1].At - posts[0].At >= TimeSpan.FromSeconds(0.9), $"retried after {(posts[1].At - posts[0].At).TotalMilliseconds} ms");
        using var first = JsonDocument.Parse(posts[0].Body);
        using var second = JsonDocument.Parse(posts[1].Body);
        Assert.Equal(first.RootElement.GetProperty("id").GetString(), second.RootElement.GetProperty("id").GetString()); // one delivery, sent again
        Assert.Equal(2, second.RootElement.GetProperty("attempt").GetInt32());
    }

    [Fact]
    public async Task A_receiver_that_keeps_failing_ends_failed_with_its_last_error_after_the_bounded_attempts()
    {
        var (project, _) = await _host.Services.CreateProjectAsync(_maintainer, "Fails " + Guid.NewGuid().ToString("N")[..6]);
        var hook = await AddChannelAsync(project.Id, Webhook("/hook/down", NotificationKind.BackupFailed));
        _receiver.Script("/hook/down", 503, 503, 503, 503);

        await _host.Get<INotifications>().PublishAsync(BackupFailed(project.Id, Guid.NewGuid()));

        var entry = Assert.Single(await SettledLogAsync(hook.Id, 1));
        Assert.Equal(DeliveryStatus.Failed, entry.Status);
        Assert.Equal(3, entry.Attempts);
        Assert.Contains("HTTP 503", entry.LastError, StringComparison.Ordinal);
        Assert.Equal(3, _receiver.PostsTo("/hook/down").Count);
    }

    [Fact]
    public async Task A_delivery_left_sending_by_a_killed_panel_is_delivered_after_the_restart()
    {
        var database = await postgres.CreateDatabaseAsync("notify-crash");
        var dataPath = Directory.CreateTempSubdirectory("goforge-notify-keys-").FullName;
        try
        {
            Guid channelId;
            await using (var first = await StartHostAsync(database, dispatcher: false, dataPath))
            {
                var admin = Actor.From(await TestUsers.CreateAsync(first, UserRole.Admin));
                var channel = await first.Get<NotificationChannelService>().CreateAsync(admin, null, Webhook("/hook/crash", NotificationKind.DiskUsageHigh));
                channelId = channel.Value!.Id;
                await first.Get<INotifications>().PublishAsync(new NotificationEvent(NotificationKind.DiskUsageHigh, null, Guid.NewGuid(), "Docker disk usage is high", "91 % used", new Dictionary<string, string>(), DateTimeOffset.UtcNow));
            }

            // What a panel killed mid-send leaves: the row claimed (sending, one attempt counted) and never finished.
            await using (var conn = new NpgsqlConnection(database))
            {
                Assert.Equal(1, await conn.ExecuteAsync(
                    "UPDATE notification_deliveries SET status = 'sending', attempts = 1, claimed_at = now() - interval '1 hour' WHERE channel_id = @channelId",
                    new { channelId }));
            }

            await using var restarted = await StartHostAsync(database, dispatcher: true, dataPath);
            await Wait.UntilAsync(async () => (await restarted.Get<INotificationDeliveries>().ListLogAsync(channelId, 10)).Single().Status == DeliveryStatus.Delivered, "the left-over delivery");
            var entry = (await restarted.Get<INotificationDeliveries>().ListLogAsync(channelId, 10)).Single();
            Assert.Equal(2, entry.Attempts);
            Assert.Single(_receiver.PostsTo("/hook/crash"));
        }
        finally
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }

    [Fact]
    public async Task Channel_secrets_are_ciphertext_in_the_database_and_masked_when_read()
    {
        const string slackToken = "xoxb-slack-path-secret-4242";
        const string password = "smtp-password-secret-4242";
        var (project, _) = await _host.Services.CreateProjectAsync(_maintainer, "Secrets " + Guid.NewGuid().ToString("N")[..6]);
        var slack = await AddChannelAsync(project.Id, new ChannelInput { Kind = ChannelKind.Slack, Name = "s", SecretUrl = _receiver.UrlOf("/slack/" + slackToken).AbsoluteUri });
        var hook = await AddChannelAsync(project.Id, Webhook("/hook/secret"));
        var mail = await AddChannelAsync(null, new ChannelInput
        {
            Kind = ChannelKind.Email, Name = "m", SmtpHost = "smtp.example.test", SmtpUsername = "ops", SmtpPassword = password,
            From = "goforge@example.test", To = "ops@example.test",
        }, _admin);

        await using var conn = new NpgsqlConnection(_host.ConnectionString);
        var rows = (await conn.QueryAsync<(Guid Id, string Settings, byte[] Ciphertext)>(
            "SELECT id, settings::text, secrets_ciphertext FROM notification_channels WHERE id = ANY(@ids)", new { ids = new[] { slack.Id, hook.Id, mail.Id } })).ToList();
        Assert.Equal(3, rows.Count);
        foreach (var row in rows)
        {
            var stored = row.Settings + System.Text.Encoding.UTF8.GetString(row.Ciphertext) + Convert.ToHexString(row.Ciphertext);
            Assert.DoesNotContain(slackToken, stored, StringComparison.Ordinal);
            Assert.DoesNotContain(SigningSecret, stored, StringComparison.Ordinal);
            Assert.DoesNotContain(password, stored, StringComparison.Ordinal);
        }

        var shown = JsonSerializer.Serialize((await Channels.ListAsync(_maintainer, project.Id)).Value) + JsonSerializer.Serialize((await Channels.ListAsync(_admin, null)).Value);
        Assert.DoesNotContain(slackToken, shown, StringComparison.Ordinal);
        Assert.DoesNotContain(SigningSecret, shown, StringComparison.Ordinal);
        Assert.DoesNotContain(password, shown, StringComparison.Ordinal);
        Assert.Equal($"http://127.0.0.1/{ChannelRules.Mask}", (await Channels.GetAsync(_maintainer, slack.Id)).Value!.MaskedSecret);
        Assert.Equal(ChannelRules.Mask, (await Channels.GetAsync(_admin, mail.Id)).Value!.MaskedSecret);

        // Saving without re-entering a secret keeps it: the Slack channel still sends to its secret URL.
        var renamed = await Channels.UpdateAsync(_maintainer, slack.Id, new ChannelInput { Kind = ChannelKind.Slack, Name = "renamed" });
        Assert.True(renamed.IsSuccess, renamed.Error?.Message);
        Assert.True((await Channels.SendTestAsync(_maintainer, slack.Id)).IsSuccess);
        Assert.Equal(DeliveryStatus.Delivered, Assert.Single(await SettledLogAsync(slack.Id, 1)).Status);
        Assert.Single(_receiver.PostsTo("/slack/" + slackToken));
    }

    [Fact]
    public async Task Channels_of_another_project_are_not_found_and_admin_channels_are_for_admins_only()
    {
        var (mine, _) = await _host.Services.CreateProjectAsync(_maintainer, "Mine " + Guid.NewGuid().ToString("N")[..6]);
        var owner = Actor.From(await TestUsers.CreateAsync(_host));
        var (theirs, _) = await _host.Services.CreateProjectAsync(owner, "Theirs " + Guid.NewGuid().ToString("N")[..6]);
        var theirChannel = await AddChannelAsync(theirs.Id, Webhook("/hook/theirs", NotificationKind.DeploymentFailed), owner);
        var adminChannel = await AddChannelAsync(null, Webhook("/hook/admin", NotificationKind.AdminSignInFromNewAddress), _admin);
        Assert.NotNull(await AddChannelAsync(mine.Id, Webhook("/hook/mine", NotificationKind.DeploymentFailed)));

        foreach (var id in new[] { theirChannel.Id, adminChannel.Id, Guid.NewGuid() })
        {
            Assert.Equal(ErrorKind.NotFound, (await Channels.GetAsync(_maintainer, id)).Error?.Kind);
            Assert.Equal(ErrorKind.NotFound, (await Channels.UpdateAsync(_maintainer, id, Webhook("/hook/stolen"))).Error?.Kind);
            Assert.Equal(ErrorKind.NotFound, (await Channels.DeleteAsync(_maintainer, id)).Error?.Kind);
            Assert.Equal(ErrorKind.NotFound, (await Channels.SendTestAsync(_maintainer, id)).Error?.Kind);
            Assert.Equal(ErrorKind.NotFound, (await Channels.ListDeliveriesAsync(_maintainer, id)).Error?.Kind);
        }

        Assert.Equal(ErrorKind.NotFound, (await Channels.ListAsync(_maintainer, theirs.Id)).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await Channels.ListAsync(_maintainer, null)).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await Channels.CreateAsync(_maintainer, null, Webhook("/hook/x"))).Error?.Kind);
        // A project's channel takes only the project's events, not the panel's.
        Assert.Equal(ErrorKind.Validation, (await Channels.CreateAsync(_maintainer, mine.Id, Webhook("/hook/y", NotificationKind.AdminSignInFromNewAddress))).Error?.Kind);
        Assert.Equal([.. (await Channels.ListAsync(_maintainer, mine.Id)).Value!.Select(c => c.Name)], new[] { "hook /hook/mine" });
        Assert.NotNull((await Channels.GetAsync(owner, theirChannel.Id)).Value);
    }

    [Fact]
    public async Task Project_events_reach_the_projects_and_admin_channels_and_panel_events_only_admin_channels()
    {
        var (project, _) = await _host.Services.CreateProjectAsync(_maintainer, "Routing " + Guid.NewGuid().ToString("N")[..6]);
        var (other, _) = await _host.Services.CreateProjectAsync(_maintainer, "Other " + Guid.NewGuid().ToString("N")[..6]);
        var projectHook = await AddChannelAsync(project.Id, Webhook("/hook/route-project", NotificationKind.BackupFailed));
        var otherHook = await AddChannelAsync(other.Id, Webhook("/hook/route-other", NotificationKind.BackupFailed));
        var unsubscribed = await AddChannelAsync(project.Id, Webhook("/hook/route-unsubscribed", NotificationKind.BackupSucceeded));
        var adminHook = await AddChannelAsync(null, Webhook("/hook/route-admin", NotificationKind.BackupFailed, NotificationKind.DiskUsageHigh), _admin);
        var admin = _admin with { };

        await _host.Get<INotifications>().PublishAsync(BackupFailed(project.Id, Guid.NewGuid()));
        await _host.Get<INotifications>().PublishAsync(new NotificationEvent(NotificationKind.DiskUsageHigh, null, Guid.NewGuid(), "Disk", "full", new Dictionary<string, string>(), DateTimeOffset.UtcNow));

        Assert.Single(await SettledLogAsync(projectHook.Id, 1));
        Assert.Equal(2, (await SettledLogAsync(adminHook.Id, 2)).Count(e => e.Status == DeliveryStatus.Delivered));
        Assert.Empty(await LogAsync(otherHook.Id));
        Assert.Empty((await Channels.ListDeliveriesAsync(admin, unsubscribed.Id)).Value!);
    }

    [Fact]
    public async Task An_admin_signing_in_from_a_new_address_notifies_the_admin_channels_and_a_known_address_does_not()
    {
        var watcher = await AddChannelAsync(null, Webhook("/hook/signin", NotificationKind.AdminSignInFromNewAddress), _admin);
        var admin = await TestUsers.CreateAsync(_host, UserRole.Admin);
        var member = await TestUsers.CreateAsync(_host);
        var sessions = _host.Get<SessionOpener>();

        await sessions.OpenAsync(admin, "198.51.100.7", "test", null);  // the first sign-in ever: its address becomes known
        await sessions.OpenAsync(admin, "198.51.100.7", "test", null);  // known
        await sessions.OpenAsync(member, "203.0.113.9", "test", null);  // not an admin
        await sessions.OpenAsync(member, "203.0.113.10", "test", null);
        await sessions.OpenAsync(admin, "203.0.113.66", "test", null);  // new

        var entry = Assert.Single(await SettledLogAsync(watcher.Id, 1));
        Assert.Equal(NotificationKind.AdminSignInFromNewAddress, entry.Kind);
        using var body = JsonDocument.Parse(Assert.Single(_receiver.PostsTo("/hook/signin")).Body);
        Assert.Equal("203.0.113.66", body.RootElement.GetProperty("facts").GetProperty("Address").GetString());
        Assert.Equal(admin.Login, body.RootElement.GetProperty("facts").GetProperty("Login").GetString());
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("projectId").ValueKind);
    }
}
