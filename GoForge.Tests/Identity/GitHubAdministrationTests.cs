using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Identity.GitHub;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Identity;

/// <summary>Invitations and GitHub settings: administrators only, validated, audited without secrets; panel settings win.</summary>
[Collection(PostgresCollection.Name)]
public sealed class GitHubAdministrationTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string ConfiguredSecret = "core-tests-secret";

    private TestHost _host = null!;
    private Actor _admin = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "ghadmin", GitHubSignInServiceTests.GitHubSettings(allowSignUp: false));
        _admin = Actor.From(await TestUsers.CreateAsync(_host, UserRole.Admin));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private InvitationService Invitations => _host.Get<InvitationService>();

    private GitHubSettingsAdministration Settings => _host.Get<GitHubSettingsAdministration>();

    [Fact]
    public async Task Members_manage_neither_invitations_nor_GitHub_settings()
    {
        var member = Actor.From(await TestUsers.CreateAsync(_host));
        var invitation = (await Invitations.CreateAsync(_admin, new NewInvitationInput(null, UserRole.Member))).Value!;

        Assert.Equal(ErrorKind.Forbidden, (await Invitations.CreateAsync(member, new NewInvitationInput(null, UserRole.Admin))).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await Invitations.ListAsync(member)).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await Invitations.RevokeAsync(member, invitation.Invitation.Id)).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await Settings.GetAsync(member)).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await Settings.SaveAsync(member, Input(allowSignUp: true))).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await Settings.ResetToConfigurationAsync(member)).Error?.Kind);
        Assert.Single((await Invitations.ListAsync(_admin)).Value!);
        Assert.Equal(InvitationStatus.Pending, (await _host.Get<IInvitationRepository>().GetAsync(invitation.Invitation.Id))!.StatusAt(DateTimeOffset.UtcNow));
        Assert.False((await _host.Get<GitHubSettingsProvider>().GetAsync()).AllowSignUp);
    }

    [Fact]
    public async Task An_invitation_is_valid_seven_days_by_default_and_only_its_hash_is_stored()
    {
        var created = (await Invitations.CreateAsync(_admin, new NewInvitationInput("  for Ada  ", UserRole.Member))).Value!;

        Assert.Equal(TimeSpan.FromDays(7), created.Invitation.ExpiresAt - created.Invitation.CreatedAt);
        Assert.Equal("for Ada", created.Invitation.Note);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", created.Token);
        var stored = (await _host.Get<IInvitationRepository>().GetAsync(created.Invitation.Id))!;
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(created.Token)), stored.TokenHash);
        Assert.Equal(new InvitationPreview(UserRole.Member, stored.ExpiresAt), (await Invitations.PreviewAsync(created.Token)).Value);
        var audit = (await _host.Get<IAuditLog>().ListRecentAsync(1)).Single();
        Assert.Equal(AuditActions.InvitationCreated, audit.Action);
        Assert.DoesNotContain(created.Token, audit.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invitation_input_is_checked_and_a_revoked_link_stops_working()
    {
        var tooLong = await Invitations.CreateAsync(_admin, new NewInvitationInput(new string('n', 201), UserRole.Member));
        var forever = await Invitations.CreateAsync(_admin, new NewInvitationInput(null, UserRole.Member, TimeSpan.FromDays(365)));
        var role = await Invitations.CreateAsync(_admin, new NewInvitationInput(null, (UserRole)9));
        Assert.Contains("Note", tooLong.Error!.FieldErrors.Keys);
        Assert.Contains("ValidFor", forever.Error!.FieldErrors.Keys);
        Assert.Contains("Role", role.Error!.FieldErrors.Keys);

        var created = (await Invitations.CreateAsync(_admin, new NewInvitationInput(null, UserRole.Member))).Value!;
        Assert.True((await Invitations.RevokeAsync(_admin, created.Invitation.Id)).IsSuccess);

        Assert.Equal(ErrorKind.NotFound, (await Invitations.PreviewAsync(created.Token)).Error?.Kind);
        Assert.Equal(ErrorKind.Conflict, (await Invitations.RevokeAsync(_admin, created.Invitation.Id)).Error?.Kind);
        Assert.Equal(ErrorKind.NotFound, (await Invitations.RevokeAsync(_admin, Guid.NewGuid())).Error?.Kind);
    }

    [Fact]
    public async Task No_invitation_is_made_while_GitHub_sign_in_is_off()
    {
        Assert.True((await Settings.SaveAsync(_admin, Input(enabled: false))).IsSuccess);

        var result = await Invitations.CreateAsync(_admin, new NewInvitationInput(null, UserRole.Member));

        Assert.Equal(ErrorKind.Conflict, result.Error?.Kind);
    }

    [Fact]
    public async Task Settings_saved_in_the_panel_win_over_configuration_until_reset()
    {
        var provider = _host.Get<GitHubSettingsProvider>();
        Assert.Equal(GitHubSettingsOrigin.Configuration, (await provider.GetAsync()).Origin);
        var changed = provider.GetChangeToken();

        var saved = await Settings.SaveAsync(_admin, new GitHubSettingsInput(true, " Iv1.panel ", "panel-secret", "https://ghe.example.com", "https://ghe.example.com/api/v3", true));

        Assert.True(saved.IsSuccess, saved.Error?.Message);
        Assert.True(changed.HasChanged);
        var current = await provider.GetAsync();
        Assert.Equal((GitHubSettingsOrigin.Panel, "Iv1.panel", "panel-secret", "https://ghe.example.com/api/v3", true),
            (current.Origin, current.ClientId, current.ClientSecret, current.ApiUrl.ToString(), current.AllowSignUp));
        Assert.Equal(new GitHubSettingsView(true, "Iv1.panel", true, new Uri("https://ghe.example.com"), new Uri("https://ghe.example.com/api/v3"), true,
            GitHubSettingsOrigin.Panel, current.UpdatedAt), saved.Value);

        Assert.True((await Settings.ResetToConfigurationAsync(_admin)).IsSuccess);

        var back = await provider.GetAsync();
        Assert.Equal((GitHubSettingsOrigin.Configuration, "Iv1.core-tests", ConfiguredSecret), (back.Origin, back.ClientId, back.ClientSecret));
    }

    [Fact]
    public async Task A_blank_secret_keeps_the_one_in_effect_and_neither_the_audit_nor_the_view_shows_it()
    {
        Assert.True((await Settings.SaveAsync(_admin, Input(allowSignUp: true))).IsSuccess);

        Assert.Equal(ConfiguredSecret, (await _host.Get<GitHubSettingsProvider>().GetAsync()).ClientSecret);
        Assert.True((await Settings.SaveAsync(_admin, Input(secret: "a-brand-new-secret"))).IsSuccess);
        Assert.True((await Settings.SaveAsync(_admin, Input())).IsSuccess);
        Assert.Equal("a-brand-new-secret", (await _host.Get<GitHubSettingsProvider>().GetAsync()).ClientSecret);

        var audit = await _host.Get<IAuditLog>().ListRecentAsync(10);
        Assert.Equal(3, audit.Count(e => e.Action == AuditActions.GitHubSettingsUpdated));
        Assert.DoesNotContain(audit, e => e.Detail?.Contains("secret", StringComparison.Ordinal) == true
            && (e.Detail.Contains(ConfiguredSecret, StringComparison.Ordinal) || e.Detail.Contains("a-brand-new-secret", StringComparison.Ordinal)));
        Assert.DoesNotContain("a-brand-new-secret", (await _host.Get<GitHubSettingsProvider>().GetAsync()).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_settings_are_field_errors_and_nothing_is_saved()
    {
        var result = await Settings.SaveAsync(_admin, new GitHubSettingsInput(true, "bad id!", "has space", "ftp://github.com", "not a url", false));

        Assert.Equal(ErrorKind.Validation, result.Error?.Kind);
        Assert.Equal(["ApiUrl", "BaseUrl", "ClientId", "NewClientSecret"], result.Error!.FieldErrors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(GitHubSettingsOrigin.Configuration, (await _host.Get<GitHubSettingsProvider>().GetAsync()).Origin);
    }

    [Theory]
    [InlineData(null, "s3cr3t-value", "https://github.com", "GoForge:GitHub:ClientId is required")]
    [InlineData("Iv1.x", null, "https://github.com", "GoForge:GitHub:ClientSecret is required")]
    [InlineData("Iv1.x", "s3cr3t-value", "ftp://github.com", "GoForge:GitHub:BaseUrl must be an absolute http(s) address")]
    [InlineData("Iv1.x", "s3cr3t-value", "https://github.com/?q=1", "GoForge:GitHub:BaseUrl must be")]
    public void Wrong_configuration_stops_start_up_naming_the_key(string? clientId, string? secret, string baseUrl, string expected)
    {
        var options = new GitHubOptions { Enabled = true, ClientId = clientId, ClientSecret = secret, BaseUrl = new Uri(baseUrl) };

        var result = _host.Get<IValidateOptions<GitHubOptions>>().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_up_stops_on_wrong_GitHub_configuration_naming_the_key()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(postgres, "ghbadcfg", new Dictionary<string, string?>
        {
            ["GoForge:GitHub:Enabled"] = "true",
            ["GoForge:GitHub:ClientSecret"] = "s3cr3t-value",
            ["GoForge:GitHub:ApiUrl"] = "api.github.com",
        }));

        Assert.Contains("GoForge:GitHub:ClientId is required when GitHub sign-in is enabled.", error.Message, StringComparison.Ordinal);
        Assert.Contains("GoForge:GitHub:ApiUrl must be an absolute http(s) address", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GitHub_sign_in_is_off_by_default_and_that_is_valid_configuration()
    {
        Assert.False(_host.Get<IValidateOptions<GitHubOptions>>().Validate(null, new GitHubOptions()).Failed);
    }

    private static GitHubSettingsInput Input(bool enabled = true, bool allowSignUp = false, string? secret = null) =>
        new(enabled, "Iv1.core-tests", secret, "https://github.com", "https://api.github.com", allowSignUp);
}
