using System.Net;
using System.Security.Claims;
using System.Web;
using GoForge.Core.Auditing;
using GoForge.Core.Identity;
using GoForge.Core.Identity.GitHub;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Web;

/// <summary>
/// The whole GitHub flow against the real panel on Kestrel and the stand-in GitHub: the panel's button, GitHub's
/// authorize redirect, the handler's code exchange with PKCE, <c>/user</c> and <c>/user/emails</c>, and GoForge's decision.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GitHubSignInFlowTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly FakeGitHubUser Octocat = new(583231, "octocat", "The Octocat", "octocat@example.com");
    private static readonly FakeGitHubUser Hubot = new(9919, "hubot", null, "hubot@example.com");

    private FakeGitHub _github = null!;
    private GoForgeApp _app = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHub.StartAsync();
        _app = await GoForgeApp.StartAsync(postgres, "ghflow", kestrel: true, settings: _github.Settings());
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _github.DisposeAsync();
    }

    private IUserRepository Users => _app.Get<IUserRepository>();

    private IGitHubUserRepository GitHubUsers => _app.Get<IGitHubUserRepository>();

    private GitHubBrowser NewBrowser() => new(_app.Address);

    [Fact]
    public async Task Sign_in_button_shows_on_the_login_page_only_while_GitHub_is_configured()
    {
        using var browser = NewBrowser();
        Assert.Contains("data-testid=\"github-sign-in\"", await browser.Client.GetStringAsync("/login"), StringComparison.Ordinal);

        var admin = await AdminAsync();
        Assert.True((await _app.Get<GitHubSettingsAdministration>().SaveAsync(admin, Input(enabled: false))).IsSuccess);

        Assert.DoesNotContain("data-testid=\"github-sign-in\"", await browser.Client.GetStringAsync("/login"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task New_GitHub_user_is_refused_while_sign_up_is_closed_and_no_account_is_made()
    {
        _github.SignedIn = Octocat;
        using var browser = NewBrowser();

        var landing = await browser.SignInAsync();

        Assert.Equal("/login", landing.Address.AbsolutePath);
        Assert.Contains(GitHubSignInService.NoAccountMessage(Identity(Octocat)), landing.Text, StringComparison.Ordinal);
        Assert.Contains("octocat@example.com", landing.Text, StringComparison.Ordinal); // which GitHub account it was
        Assert.False(browser.HasSessionCookie);
        Assert.Empty(await Users.ListAsync());
        Assert.Contains(await _app.Get<IAuditLog>().ListRecentAsync(10),
            e => e.Action == AuditActions.SignInFailed && e.Detail!.Contains("sign-up is closed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task New_GitHub_user_gets_a_member_account_linked_by_id_when_sign_up_is_open()
    {
        var admin = await AdminAsync();
        Assert.True((await _app.Get<GitHubSettingsAdministration>().SaveAsync(admin, Input(allowSignUp: true))).IsSuccess);
        _github.SignedIn = Octocat;
        using var browser = NewBrowser();

        var landing = await browser.SignInAsync();

        Assert.Equal(HttpStatusCode.OK, landing.Status);
        Assert.Equal("/", landing.Address.AbsolutePath);
        Assert.Contains("Welcome, The Octocat", landing.Text, StringComparison.Ordinal);
        var user = await GitHubUsers.GetByGitHubIdAsync(Octocat.Id);
        Assert.NotNull(user);
        Assert.Equal(("octocat", "The Octocat", UserRole.Member, (string?)null), (user.Login, user.DisplayName, user.Role, user.PasswordHash));
        Assert.Equal("octocat", await GitHubUsers.GetGitHubLoginAsync(user.Id));
    }

    [Fact]
    public async Task Invited_person_gets_an_account_with_the_invited_role_and_the_link_works_once()
    {
        var admin = await AdminAsync();
        var invitation = (await _app.Get<InvitationService>().CreateAsync(admin, new NewInvitationInput("for the octocat", UserRole.Admin))).Value!;
        _github.SignedIn = Octocat;
        using var invited = NewBrowser();

        var landing = await invited.SignInAsync($"/invite/{invitation.Token}");

        Assert.Equal("/", landing.Address.AbsolutePath);
        Assert.True(invited.HasSessionCookie);
        var user = (await GitHubUsers.GetByGitHubIdAsync(Octocat.Id))!;
        Assert.Equal(UserRole.Admin, user.Role);
        var spent = (await _app.Get<IInvitationRepository>().GetAsync(invitation.Invitation.Id))!;
        Assert.Equal((InvitationStatus.Used, (Guid?)user.Id), (spent.StatusAt(DateTimeOffset.UtcNow), spent.UsedBy));

        // A second person with the same link: the page says it is spent, and the form posted anyway is refused.
        _github.SignedIn = Hubot;
        using var second = NewBrowser();
        var page = await second.Client.GetAsync($"/invite/{invitation.Token}");
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains(GitHubSignInService.InvitationInvalidMessage, WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        var again = await second.FollowAsync(await second.AuthorizeAsync(
            await second.StartAsync("/login", extra: new Dictionary<string, string> { ["Invitation"] = invitation.Token })));

        Assert.Equal("/login", again.Address.AbsolutePath);
        Assert.Contains(GitHubSignInService.InvitationInvalidMessage, again.Text, StringComparison.Ordinal);
        Assert.Null(await GitHubUsers.GetByGitHubIdAsync(Hubot.Id));
        Assert.False(second.HasSessionCookie);
    }

    [Fact]
    public async Task Password_user_with_the_same_login_is_neither_signed_in_nor_linked_by_a_GitHub_sign_in()
    {
        // GoForge keeps no e-mail addresses, so nothing can match on one; the login is the only thing a careless
        // implementation could match, and it must not either.
        var existing = await _app.CreateUserAsync(login: "octocat");
        _github.SignedIn = Octocat;
        using var browser = NewBrowser();

        var closed = await browser.SignInAsync();

        Assert.Equal("/login", closed.Address.AbsolutePath);
        Assert.Contains(GitHubSignInService.NoAccountMessage(Identity(Octocat)), closed.Text, StringComparison.Ordinal);
        Assert.False(browser.HasSessionCookie);
        Assert.Null((await Users.GetByIdAsync(existing.Id))!.GitHubId);

        Assert.True((await _app.Get<GitHubSettingsAdministration>().SaveAsync(await AdminAsync(), Input(allowSignUp: true))).IsSuccess);
        var open = await browser.SignInAsync();

        Assert.Equal("/", open.Address.AbsolutePath);
        Assert.Contains("Welcome, The Octocat", open.Text, StringComparison.Ordinal);
        var created = (await GitHubUsers.GetByGitHubIdAsync(Octocat.Id))!;
        Assert.NotEqual(existing.Id, created.Id);
        Assert.Equal("octocat-2", created.Login);
        var untouched = (await Users.GetByIdAsync(existing.Id))!;
        Assert.Equal((existing.Login, existing.PasswordHash, (long?)null), (untouched.Login, untouched.PasswordHash, untouched.GitHubId));
    }

    [Fact]
    public async Task Linked_user_signs_in_and_returns_to_the_page_they_asked_for()
    {
        var user = await LinkedUserAsync(Octocat);
        _github.SignedIn = Octocat;
        using var browser = NewBrowser();

        var landing = await browser.SignInAsync("/login?returnUrl=%2Fsettings");

        Assert.Equal(HttpStatusCode.OK, landing.Status);
        Assert.Equal("/settings", landing.Address.AbsolutePath);
        Assert.True(browser.HasSessionCookie);
        Assert.Contains(await _app.Get<IAuditLog>().ListRecentAsync(5),
            e => e.Action == AuditActions.SignedIn && e.ActorUserId == user.Id && e.Detail!.StartsWith("GitHub octocat (id 583231)", StringComparison.Ordinal));
        var authorize = _github.Requests.Single(r => r.Path == "/login/oauth/authorize");
        Assert.Equal(("S256", "read:user user:email"), (authorize.Fields["code_challenge_method"], authorize.Fields["scope"]));
        Assert.Equal($"{_app.Address.ToString().TrimEnd('/')}{GitHubSignIn.CallbackPath}", authorize.Fields["redirect_uri"]);
        var exchange = _github.Requests.Single(r => r.Path == "/login/oauth/access_token");
        Assert.NotEmpty(exchange.Fields["code_verifier"]);
        Assert.All(_github.Requests.Where(r => r.Path.StartsWith("/api/v3/", StringComparison.Ordinal)), r => Assert.StartsWith("Bearer gho_", r.Authorization, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disabled_linked_user_is_refused()
    {
        var user = await LinkedUserAsync(Octocat);
        await Users.SetDisabledAsync(user.Id, true, DateTimeOffset.UtcNow);
        _github.SignedIn = Octocat;
        using var browser = NewBrowser();

        var landing = await browser.SignInAsync();

        Assert.Equal("/login", landing.Address.AbsolutePath);
        Assert.Contains(SignInService.DisabledMessage, landing.Text, StringComparison.Ordinal);
        Assert.False(browser.HasSessionCookie);
    }

    [Fact]
    public async Task Tampered_state_is_refused_by_the_handler_before_any_code_is_exchanged()
    {
        await LinkedUserAsync(Octocat);
        _github.SignedIn = Octocat;
        using var browser = NewBrowser();
        var callback = await browser.AuthorizeAsync(await browser.StartAsync());
        var state = HttpUtility.ParseQueryString(callback.Query)["state"]!;
        var flipped = state[..20] + (state[20] == 'A' ? 'B' : 'A') + state[21..];

        var landing = await browser.FollowAsync(WithQuery(callback, "state", flipped));

        Assert.Equal("/login", landing.Address.AbsolutePath);
        Assert.Contains(GitHubOAuthEvents.FailedMessage, landing.Text, StringComparison.Ordinal);
        Assert.False(browser.HasSessionCookie);
        Assert.DoesNotContain(_github.Requests, r => r.Path == "/login/oauth/access_token");
        Assert.Contains(await _app.Get<IAuditLog>().ListRecentAsync(5), e => e.Action == AuditActions.SignInFailed && e.Target == "github");
    }

    [Fact]
    public async Task Callback_replayed_in_another_browser_is_refused_for_want_of_its_correlation_cookie()
    {
        await LinkedUserAsync(Octocat);
        _github.SignedIn = Octocat;
        using var victim = NewBrowser();
        var callback = await victim.AuthorizeAsync(await victim.StartAsync());
        using var other = NewBrowser();

        var landing = await other.FollowAsync(callback);

        Assert.Equal("/login", landing.Address.AbsolutePath);
        Assert.Contains(GitHubOAuthEvents.FailedMessage, landing.Text, StringComparison.Ordinal);
        Assert.False(other.HasSessionCookie);
        Assert.Empty(_github.IssuedTokens);
    }

    [Fact]
    public async Task A_code_issued_for_another_sign_in_is_refused_because_its_PKCE_verifier_does_not_match()
    {
        await LinkedUserAsync(Octocat);
        using var attacker = NewBrowser();
        var authorize = await attacker.StartAsync();
        var query = HttpUtility.ParseQueryString(authorize.Query);
        // A code GitHub issued to someone else's sign-in (another challenge), planted into this browser's valid callback.
        var stolen = _github.IssueCode(Octocat, query["redirect_uri"]!, codeChallenge: new string('x', 43));
        var callback = new Uri($"{query["redirect_uri"]}?code={stolen}&state={Uri.EscapeDataString(query["state"]!)}");

        var landing = await attacker.FollowAsync(callback);

        Assert.Equal("/login", landing.Address.AbsolutePath);
        Assert.Contains(GitHubOAuthEvents.FailedMessage, landing.Text, StringComparison.Ordinal);
        Assert.False(attacker.HasSessionCookie);
        Assert.NotEmpty(_github.Requests.Single(r => r.Path == "/login/oauth/access_token").Fields["code_verifier"]);
        Assert.Empty(_github.IssuedTokens);
    }

    [Fact]
    public async Task Canceling_at_GitHub_returns_to_sign_in_with_a_message()
    {
        _github.DenyNext = true;
        using var browser = NewBrowser();

        var landing = await browser.SignInAsync();

        Assert.Equal("/login", landing.Address.AbsolutePath);
        Assert.Contains(GitHubOAuthEvents.CanceledMessage, landing.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_crafted_notice_in_the_sign_in_address_shows_nothing()
    {
        using var browser = NewBrowser();

        var html = await browser.Client.GetStringAsync("/login?github=Your+account+is+locked.+Call+555-0100");

        // Only an encrypted notice is shown; the text appears nowhere but in the form's own address.
        Assert.DoesNotContain("data-testid=\"sign-in-error\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain(">Your account is locked", WebUtility.HtmlDecode(html).Replace('+', ' '), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signed_in_user_links_GitHub_from_the_profile_and_then_signs_in_with_it()
    {
        var user = await _app.CreateUserAsync();
        _github.SignedIn = Octocat;
        using var browser = NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await FormClient.SignInAsync(browser.Client, user.Login, TestUsers.Password)).StatusCode);

        var landing = await browser.SignInAsync("/account", "/account/github/link");

        Assert.Equal("/account", landing.Address.AbsolutePath);
        Assert.Contains("Linked the GitHub account octocat.", landing.Text, StringComparison.Ordinal);
        Assert.Equal(Octocat.Id, (await Users.GetByIdAsync(user.Id))!.GitHubId);
        Assert.Contains("data-testid=\"github-linked-login\">octocat<", landing.Html, StringComparison.Ordinal);

        using var later = NewBrowser();
        Assert.Equal("/", (await later.SignInAsync()).Address.AbsolutePath);
        Assert.True(later.HasSessionCookie);
    }

    [Fact]
    public async Task Linking_a_GitHub_account_that_another_user_has_is_refused()
    {
        var owner = await LinkedUserAsync(Octocat);
        var user = await _app.CreateUserAsync();
        _github.SignedIn = Octocat;
        using var browser = NewBrowser();
        await FormClient.SignInAsync(browser.Client, user.Login, TestUsers.Password);

        var landing = await browser.SignInAsync("/account", "/account/github/link");

        Assert.Equal("/account", landing.Address.AbsolutePath);
        Assert.Contains("is already linked to another GoForge account", landing.Text, StringComparison.Ordinal);
        Assert.Null((await Users.GetByIdAsync(user.Id))!.GitHubId);
        Assert.Equal(owner.Id, (await GitHubUsers.GetByGitHubIdAsync(Octocat.Id))!.Id);
        Assert.Contains(await _app.Get<IAuditLog>().ListRecentAsync(5), e => e.Action == AuditActions.GitHubLinkRefused && e.ActorUserId == user.Id);
    }

    [Fact]
    public async Task A_link_finished_by_another_signed_in_user_links_nobody()
    {
        var starter = await _app.CreateUserAsync();
        var other = await _app.CreateUserAsync();
        _github.SignedIn = Octocat;
        using var browser = NewBrowser();
        await FormClient.SignInAsync(browser.Client, starter.Login, TestUsers.Password);
        var authorize = await browser.StartAsync("/account", "/account/github/link");

        await FormClient.SignInAsync(browser.Client, other.Login, TestUsers.Password);
        var landing = await browser.FollowAsync(await browser.AuthorizeAsync(authorize));

        Assert.Equal("/login", landing.Address.AbsolutePath);
        Assert.Contains(GitHubOAuthEvents.LinkSessionMessage, landing.Text, StringComparison.Ordinal);
        Assert.Null(await GitHubUsers.GetByGitHubIdAsync(Octocat.Id));
    }

    [Fact]
    public async Task Settings_saved_in_the_panel_reach_the_handler_without_a_restart_and_configuration_returns_after_a_reset()
    {
        _github.RegisterClient("Ov23.second-app", "second-app-secret");
        var admin = await AdminAsync();
        var settings = _app.Get<GitHubSettingsAdministration>();
        await LinkedUserAsync(Octocat);
        _github.SignedIn = Octocat;

        Assert.True((await settings.SaveAsync(admin, Input(clientId: "Ov23.second-app", secret: "second-app-secret"))).IsSuccess);
        using var browser = NewBrowser();
        var authorize = await browser.StartAsync();
        Assert.Equal("Ov23.second-app", HttpUtility.ParseQueryString(authorize.Query)["client_id"]);
        Assert.Equal("/", (await browser.FollowAsync(await browser.AuthorizeAsync(authorize))).Address.AbsolutePath); // the new secret works

        Assert.True((await settings.ResetToConfigurationAsync(admin)).IsSuccess);
        using var after = NewBrowser();
        Assert.Equal(FakeGitHub.ClientId, HttpUtility.ParseQueryString((await after.StartAsync()).Query)["client_id"]);
    }

    [Fact]
    public async Task GoForge_keeps_only_its_own_claims_in_the_cookie_and_never_logs_GitHubs_token_or_secret()
    {
        await LinkedUserAsync(Octocat);
        _github.SignedIn = Octocat;
        using var browser = NewBrowser();

        await browser.SignInAsync();

        var cookie = _app.Get<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var ticket = cookie.TicketDataFormat.Unprotect(browser.SessionCookie)!;
        string[] goForgeClaims = [ClaimTypes.Name, ClaimTypes.NameIdentifier, ClaimTypes.Role, GoForgeClaims.DisplayName, GoForgeClaims.SessionId];
        Assert.Equal(goForgeClaims.Order(StringComparer.Ordinal), ticket.Principal.Claims.Select(c => c.Type).Order(StringComparer.Ordinal));
        var token = Assert.Single(_github.IssuedTokens);
        Assert.DoesNotContain(ticket.Properties.Items.Values, v => v?.Contains(token, StringComparison.Ordinal) == true);
        Assert.DoesNotContain(_app.Logs.Messages, m => m.Contains(token, StringComparison.Ordinal) || m.Contains(FakeGitHub.ClientSecret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Starting_GitHub_sign_in_counts_against_the_per_address_sign_in_limit()
    {
        using var browser = NewBrowser();
        for (var i = 0; i < new AuthOptions().LoginAttemptsPerMinutePerAddress; i++)
        {
            await browser.StartAsync();
        }

        var fields = await FormClient.HiddenFieldsAsync(browser.Client, "/login");
        using var refused = await browser.Client.PostAsync("/account/github/sign-in",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = fields["__RequestVerificationToken"] }));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Too many sign-in attempts from your address", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starting_without_the_antiforgery_token_is_refused_and_goes_nowhere_near_GitHub()
    {
        using var browser = NewBrowser();

        using var response = await browser.Client.PostAsync("/account/github/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["ReturnUrl"] = "/" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_github.Requests);
    }

    private async Task<Actor> AdminAsync() => Actor.From(await _app.CreateUserAsync(UserRole.Admin));

    private async Task<User> LinkedUserAsync(FakeGitHubUser gitHub)
    {
        var user = await _app.CreateUserAsync();
        Assert.Equal(GitHubAccountWrite.Done, await GitHubUsers.LinkAsync(user.Id, gitHub.Id, gitHub.Login, DateTimeOffset.UtcNow));
        return (await Users.GetByIdAsync(user.Id))!;
    }

    /// <summary>The stand-in's settings as the Settings page would post them; a blank secret keeps the configured one.</summary>
    private GitHubSettingsInput Input(bool enabled = true, bool allowSignUp = false, string? clientId = null, string? secret = null) =>
        new(enabled, clientId ?? FakeGitHub.ClientId, secret, _github.BaseUrl.ToString(), _github.ApiUrl.ToString(), allowSignUp);

    private static GitHubIdentity Identity(FakeGitHubUser user) => new(user.Id, user.Login, user.Name, user.Email);

    private static Uri WithQuery(Uri address, string name, string value)
    {
        var query = HttpUtility.ParseQueryString(address.Query);
        query[name] = value;
        return new UriBuilder(address) { Query = query.ToString() }.Uri;
    }
}
