using GoForge.Core.Common;
using GoForge.Core.Notifications;
using GoForge.Core.Services;

namespace GoForge.Tests.Notifications;

/// <summary>What a channel's form accepts, hostile inputs included, and the small pure decisions of the notices.</summary>
public sealed class ChannelRulesTests
{
    private static Result<(NotificationChannel Channel, ChannelSecrets? Secrets)> Validate(ChannelInput input, Guid? projectId = null) =>
        ChannelRules.Validate(input, projectId, null, null, Guid.NewGuid(), DateTimeOffset.UtcNow);

    private static ChannelInput Hook(string url) => new() { Kind = ChannelKind.Webhook, Name = "hook", WebhookUrl = url, SigningSecret = "0123456789abcdef0123" };

    private static ChannelInput Mail(string host = "smtp.example.com", string from = "panel@example.com", string to = "ops@example.com", SmtpSecurity security = SmtpSecurity.StartTls) =>
        new() { Kind = ChannelKind.Email, Name = "mail", SmtpHost = host, From = from, To = to, SmtpSecurity = security };

    [Theory]
    [InlineData("https://hooks.example.com/goforge")]
    [InlineData("http://10.0.0.5:8080/in?x=1")]
    [InlineData("https://bücher.example/hook")]
    public void Absolute_http_and_https_urls_are_accepted(string url) => Assert.True(Validate(Hook(url)).IsSuccess);

    [Theory]
    [InlineData("")]
    [InlineData("hooks.example.com/x")]
    [InlineData("/relative/path")]
    [InlineData("file:///etc/passwd")]
    [InlineData("javascript:alert(1)")]
    [InlineData("ftp://example.com/x")]
    [InlineData("https://example.com/a;rm -rf /")]
    [InlineData("https://example.com/x\r\nX-Injected: 1")]
    [InlineData("`reboot`")]
    [InlineData("--upload-file=/etc/shadow")]
    [InlineData("https://user:password@example.com/hook")]
    [InlineData("https://example.com/\u0000x")]
    public void Hostile_or_malformed_urls_are_refused(string url)
    {
        var result = Validate(Hook(url));
        Assert.Equal(ErrorKind.Validation, result.Error?.Kind);
        Assert.Contains(nameof(ChannelInput.WebhookUrl), result.Error!.FieldErrors.Keys);
    }

    [Fact]
    public void Huge_inputs_are_refused_field_by_field()
    {
        var huge = new string('a', 100_000);
        var result = Validate(new ChannelInput
        {
            Kind = ChannelKind.Webhook, Name = huge, WebhookUrl = "https://example.com/" + huge, SigningSecret = huge,
            Subscriptions = [NotificationKind.DeploymentFailed],
        });
        Assert.Equal(ErrorKind.Validation, result.Error?.Kind);
        Assert.Equal(
            [nameof(ChannelInput.Name), nameof(ChannelInput.SigningSecret), nameof(ChannelInput.WebhookUrl)],
            result.Error!.FieldErrors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_unicode_name_is_kept_and_control_characters_are_refused()
    {
        Assert.Equal("Équipe ops 🚀", Validate(Hook("https://example.com/x") with { Name = "  Équipe ops 🚀 " }).Value.Channel.Name);
        Assert.False(Validate(Hook("https://example.com/x") with { Name = "ops\u001b[31m" }).IsSuccess);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-oProxyCommand=sh")]
    [InlineData("smtp.example.com;reboot")]
    [InlineData("smtp example.com")]
    [InlineData("$(hostname)")]
    [InlineData("")]
    public void Option_looking_or_hostile_smtp_hosts_are_refused(string host) =>
        Assert.Contains(nameof(ChannelInput.SmtpHost), Validate(Mail(host)).Error!.FieldErrors.Keys);

    [Theory]
    [InlineData("ops@example.com\r\nBcc: all@example.com")]
    [InlineData("Ops <ops@example.com>")]
    [InlineData("not-an-address")]
    [InlineData("a@example.com;b@example.com")]
    public void Recipients_that_could_smuggle_headers_or_are_not_addresses_are_refused(string to) =>
        Assert.Contains(nameof(ChannelInput.To), Validate(Mail(to: to)).Error!.FieldErrors.Keys);

    [Fact]
    public void An_unencrypted_smtp_connection_is_allowed_to_localhost_only()
    {
        Assert.True(Validate(Mail("127.0.0.1", security: SmtpSecurity.None)).IsSuccess);
        Assert.True(Validate(Mail("localhost", security: SmtpSecurity.None)).IsSuccess);
        Assert.Contains(nameof(ChannelInput.SmtpSecurity), Validate(Mail("smtp.example.com", security: SmtpSecurity.None)).Error!.FieldErrors.Keys);
        Assert.Equal(587, Validate(Mail()).Value.Channel.Settings.SmtpPort);
        Assert.Equal(465, Validate(Mail(security: SmtpSecurity.Tls)).Value.Channel.Settings.SmtpPort);
    }

    [Fact]
    public void A_projects_channel_takes_only_project_events_and_nobody_subscribes_to_tests()
    {
        var project = Guid.NewGuid();
        Assert.True(Validate(Hook("https://example.com/x") with { Subscriptions = [NotificationKind.DeploymentFailed, NotificationKind.BackupSucceeded] }, project).IsSuccess);
        Assert.False(Validate(Hook("https://example.com/x") with { Subscriptions = [NotificationKind.DiskUsageHigh] }, project).IsSuccess);
        Assert.False(Validate(Hook("https://example.com/x") with { Subscriptions = [NotificationKind.Test] }).IsSuccess);
        Assert.True(Validate(Hook("https://example.com/x") with { Subscriptions = [NotificationKind.AdminSignInFromNewAddress, NotificationKind.DeploymentFailed] }).IsSuccess);
    }

    [Fact]
    public void A_slack_url_is_masked_to_its_host_and_other_secrets_to_dots()
    {
        var slack = Validate(new ChannelInput { Kind = ChannelKind.Slack, Name = "s", SecretUrl = "https://hooks.slack.com/services/T0/B0/secret123" }).Value.Channel;
        Assert.Equal($"https://hooks.slack.com/{ChannelRules.Mask}", slack.MaskedSecret);
        Assert.Equal(ChannelRules.Mask, Validate(Hook("https://example.com/x")).Value.Channel.MaskedSecret);
    }

    [Theory]
    [InlineData(ServiceState.Running, ServiceState.Failed, NotificationKind.ServiceUnhealthy)]
    [InlineData(ServiceState.Starting, ServiceState.Failed, NotificationKind.ServiceUnhealthy)]
    [InlineData(ServiceState.Starting, ServiceState.Running, NotificationKind.ServiceRecovered)]
    [InlineData(ServiceState.Creating, ServiceState.Failed, null)]
    [InlineData(ServiceState.Failed, ServiceState.Failed, null)]
    [InlineData(ServiceState.Running, ServiceState.Stopped, null)]
    public void Service_moves_give_unhealthy_and_recovered_notices(ServiceState from, ServiceState to, NotificationKind? expected) =>
        Assert.Equal(expected, ServiceNotices.KindOf(from, to));

    [Fact]
    public void Wrong_delivery_settings_stop_the_start_naming_each_key()
    {
        var validator = new NotificationOptionsValidator();
        var result = validator.Validate(null, new NotificationOptions { MaxAttempts = 0, PerSubjectLimit = 0, SendTimeout = TimeSpan.Zero });
        Assert.True(result.Failed);
        Assert.Contains("GoForge:Notifications:MaxAttempts", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("GoForge:Notifications:PerSubjectLimit", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("GoForge:Notifications:SendTimeout", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(validator.Validate(null, new NotificationOptions()).Succeeded);
    }
}
