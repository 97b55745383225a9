using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Identity.GitHub;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Identity;

/// <summary>Who a finished GitHub sign-in signs in, over the real repositories: by GitHub's numeric id, never by name or e-mail.</summary>
[Collection(PostgresCollection.Name)]
public sealed class GitHubSignInServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly GitHubIdentity Octocat = new(583231, "octocat", "The Octocat", "octocat@example.com");

    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await StartAsync(allowSignUp: false);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private GitHubSignInService SignIn => _host.Get<GitHubSignInService>();

    private IGitHubUserRepository GitHubUsers => _host.Get<IGitHubUserRepository>();

    [Fact]
    public async Task Linked_account_signs_in_with_an_active_session_and_an_audit_entry()
    {
        var user = await LinkedUserAsync(Octocat);

        var result = await SignIn.SignInAsync(Request(Octocat));

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal(user.Id, result.Value.User.Id);
        Assert.Equal(user.Id, (await _host.Get<SessionService>().ValidateAsync(result.Value.Session.Id))?.Id);
        var signedIn = (await _host.Get<IAuditLog>().ListRecentAsync(1)).Single();
        Assert.Equal((AuditActions.SignedIn, (Guid?)user.Id, "GitHub octocat (id 583231)"), (signedIn.Action, signedIn.ActorUserId, signedIn.Detail));
    }

    [Fact]
    public async Task A_renamed_GitHub_login_still_signs_in_the_same_account_and_the_shown_login_follows()
    {
        var user = await LinkedUserAsync(Octocat);

        var result = await SignIn.SignInAsync(Request(Octocat with { Login = "octo-renamed" }));

        Assert.Equal(user.Id, result.Value?.User.Id);
        Assert.Equal("octo-renamed", await GitHubUsers.GetGitHubLoginAsync(user.Id));
    }

    [Fact]
    public async Task Disabled_linked_account_is_refused_without_a_session()
    {
        var user = await LinkedUserAsync(Octocat);
        await _host.Get<IUserRepository>().SetDisabledAsync(user.Id, true, DateTimeOffset.UtcNow);

        var result = await SignIn.SignInAsync(Request(Octocat));

        Assert.Equal((ErrorKind.Forbidden, SignInService.DisabledMessage), (result.Error?.Kind, result.Error?.Message));
        var failed = (await _host.Get<IAuditLog>().ListRecentAsync(1)).Single();
        Assert.Equal((AuditActions.SignInFailed, $"user:{user.Login}"), (failed.Action, failed.Target));
        Assert.Contains("account disabled", failed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_GitHub_account_is_refused_while_sign_up_is_closed_and_nothing_is_written()
    {
        var result = await SignIn.SignInAsync(Request(Octocat));

        Assert.Equal(ErrorKind.Forbidden, result.Error?.Kind);
        Assert.Equal(GitHubSignInService.NoAccountMessage(Octocat), result.Error?.Message);
        Assert.Contains("octocat (octocat@example.com)", result.Error!.Message, StringComparison.Ordinal);
        Assert.Empty(await _host.Get<IUserRepository>().ListAsync());
        var failed = (await _host.Get<IAuditLog>().ListRecentAsync(1)).Single();
        Assert.DoesNotContain("@", failed.Detail, StringComparison.Ordinal); // no e-mail address in the audit trail
    }

    [Fact]
    public async Task Open_sign_up_makes_a_member_account_linked_by_id_without_a_password()
    {
        await using var host = await StartAsync(allowSignUp: true);

        var result = await host.Get<GitHubSignInService>().SignInAsync(Request(Octocat));

        Assert.True(result.IsSuccess, result.Error?.Message);
        var user = result.Value.User;
        Assert.Equal(("octocat", "The Octocat", UserRole.Member, (long?)Octocat.Id, (string?)null), (user.Login, user.DisplayName, user.Role, user.GitHubId, user.PasswordHash));
        Assert.Equal(user.Id, (await host.Get<IGitHubUserRepository>().GetByGitHubIdAsync(Octocat.Id))?.Id);
        Assert.Contains(await host.Get<IAuditLog>().ListRecentAsync(2), e => e.Action == AuditActions.UserCreated && e.Detail!.Contains("sign-up", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_login_taken_by_an_existing_account_gets_a_suffix_and_that_account_is_left_alone()
    {
        await using var host = await StartAsync(allowSignUp: true);
        var existing = await TestUsers.CreateAsync(host, login: "octocat");
        await TestUsers.CreateAsync(host, login: "octocat-2");

        var result = await host.Get<GitHubSignInService>().SignInAsync(Request(Octocat));

        Assert.Equal("octocat-3", result.Value?.User.Login);
        Assert.NotEqual(existing.Id, result.Value!.User.Id);
        Assert.Null((await host.Get<IUserRepository>().GetByIdAsync(existing.Id))!.GitHubId);
    }

    [Fact]
    public async Task Invitation_makes_an_account_with_its_role_and_is_spent_by_that_sign_in()
    {
        var invitation = await InviteAsync(UserRole.Admin);

        var result = await SignIn.SignInAsync(Request(Octocat, invitation.Token));

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal(UserRole.Admin, result.Value.User.Role);
        var spent = (await _host.Get<IInvitationRepository>().GetAsync(invitation.Invitation.Id))!;
        Assert.Equal(InvitationStatus.Used, spent.StatusAt(DateTimeOffset.UtcNow));
        Assert.Equal(result.Value.User.Id, spent.UsedBy);
        Assert.Contains(await _host.Get<IAuditLog>().ListRecentAsync(3), e => e.Action == AuditActions.InvitationUsed && e.Target == $"invitation:{spent.Id}");

        var second = await SignIn.SignInAsync(Request(new GitHubIdentity(77, "someone-else", null, null), invitation.Token));
        Assert.Equal((ErrorKind.Forbidden, GitHubSignInService.InvitationInvalidMessage), (second.Error?.Kind, second.Error?.Message));
        Assert.Null(await GitHubUsers.GetByGitHubIdAsync(77));
    }

    [Fact]
    public async Task Revoked_expired_or_made_up_invitations_are_refused_even_while_sign_up_is_open()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartAsync(allowSignUp: true, time);
        var admin = Actor.From(await TestUsers.CreateAsync(host, UserRole.Admin));
        var invitations = host.Get<InvitationService>();
        var revoked = (await invitations.CreateAsync(admin, new NewInvitationInput(null, UserRole.Member))).Value!;
        Assert.True((await invitations.RevokeAsync(admin, revoked.Invitation.Id)).IsSuccess);
        var expiring = (await invitations.CreateAsync(admin, new NewInvitationInput(null, UserRole.Member, TimeSpan.FromHours(1)))).Value!;
        time.Advance(TimeSpan.FromHours(1));

        foreach (var token in new[] { revoked.Token, expiring.Token, "not-a-real-token", new string('x', 500) })
        {
            var result = await host.Get<GitHubSignInService>().SignInAsync(Request(Octocat, token));
            Assert.Equal(GitHubSignInService.InvitationInvalidMessage, result.Error?.Message);
        }

        Assert.Null(await host.Get<IGitHubUserRepository>().GetByGitHubIdAsync(Octocat.Id));
    }

    [Fact]
    public async Task An_already_linked_person_with_an_invitation_signs_in_and_leaves_the_invitation_unused()
    {
        var user = await LinkedUserAsync(Octocat);
        var invitation = await InviteAsync(UserRole.Admin);

        var result = await SignIn.SignInAsync(Request(Octocat, invitation.Token));

        Assert.Equal((user.Id, UserRole.Member), (result.Value?.User.Id, result.Value!.User.Role));
        Assert.Equal(InvitationStatus.Pending, (await _host.Get<IInvitationRepository>().GetAsync(invitation.Invitation.Id))!.StatusAt(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Two_people_racing_with_one_invitation_make_one_account()
    {
        var invitation = await InviteAsync(UserRole.Member);
        var people = Enumerable.Range(1, 6).Select(i => new GitHubIdentity(1000 + i, $"racer{i}", null, null)).ToList();

        var results = await Task.WhenAll(people.Select(p => SignIn.SignInAsync(Request(p, invitation.Token))));

        Assert.Single(results, r => r.IsSuccess);
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal(GitHubSignInService.InvitationInvalidMessage, r.Error!.Message));
        Assert.Single(await _host.Get<IUserRepository>().ListAsync(), u => u.GitHubId is not null);
    }

    [Fact]
    public async Task Racing_first_sign_ins_of_one_GitHub_account_make_one_account_and_sign_both_in()
    {
        await using var host = await StartAsync(allowSignUp: true);
        var service = host.Get<GitHubSignInService>();

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => service.SignInAsync(Request(Octocat))));

        Assert.All(results, r => Assert.True(r.IsSuccess, r.Error?.Message));
        Assert.Single(results.Select(r => r.Value!.User.Id).Distinct());
        Assert.Single(await host.Get<IUserRepository>().ListAsync());
    }

    [Fact]
    public async Task Too_many_sign_ins_of_one_GitHub_account_within_a_minute_are_refused()
    {
        await LinkedUserAsync(Octocat);
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await SignIn.SignInAsync(Request(Octocat))).IsSuccess);
        }

        var sixth = await SignIn.SignInAsync(Request(Octocat));

        Assert.Equal((ErrorKind.TooManyRequests, GitHubSignInService.TooManyAttemptsMessage), (sixth.Error?.Kind, sixth.Error?.Message));
        Assert.True((await SignIn.SignInAsync(Request(new GitHubIdentity(1, "another", null, null)))).Error?.Kind != ErrorKind.TooManyRequests);
    }

    [Fact]
    public async Task Nothing_signs_in_while_GitHub_sign_in_is_off()
    {
        await using var host = await TestHost.StartAsync(postgres, "ghoff");
        var user = await TestUsers.CreateAsync(host);
        await host.Get<IGitHubUserRepository>().LinkAsync(user.Id, Octocat.Id, Octocat.Login, DateTimeOffset.UtcNow);

        var result = await host.Get<GitHubSignInService>().SignInAsync(Request(Octocat));

        Assert.Equal((ErrorKind.Forbidden, GitHubSignInService.NotEnabledMessage), (result.Error?.Kind, result.Error?.Message));
    }

    [Theory]
    [InlineData(0L, "octocat")]
    [InlineData(-5L, "octocat")]
    [InlineData(5L, "")]
    [InlineData(5L, "bad\u0000login")]
    public async Task An_answer_without_a_usable_id_or_login_signs_nobody_in(long id, string login)
    {
        await LinkedUserAsync(Octocat);

        var result = await SignIn.SignInAsync(Request(new GitHubIdentity(id, login, null, null)));

        Assert.Equal(ErrorKind.Unauthorized, result.Error?.Kind);
    }

    private async Task<TestHost> StartAsync(bool allowSignUp, TimeProvider? time = null) =>
        await TestHost.StartAsync(postgres, "ghsignin", GitHubSettings(allowSignUp), time is null ? null : s => s.AddSingleton(time));

    internal static Dictionary<string, string?> GitHubSettings(bool allowSignUp) => new()
    {
        ["GoForge:GitHub:Enabled"] = "true",
        ["GoForge:GitHub:ClientId"] = "Iv1.core-tests",
        ["GoForge:GitHub:ClientSecret"] = "core-tests-secret",
        ["GoForge:GitHub:AllowSignUp"] = allowSignUp ? "true" : "false",
    };

    private static GitHubSignInRequest Request(GitHubIdentity identity, string? invitation = null) => new(identity, invitation, "10.1.2.3", "xunit");

    private async Task<User> LinkedUserAsync(GitHubIdentity identity)
    {
        var user = await TestUsers.CreateAsync(_host);
        Assert.Equal(GitHubAccountWrite.Done, await GitHubUsers.LinkAsync(user.Id, identity.Id, identity.Login, DateTimeOffset.UtcNow));
        return (await _host.Get<IUserRepository>().GetByIdAsync(user.Id))!;
    }

    private async Task<CreatedInvitation> InviteAsync(UserRole role)
    {
        var admin = Actor.From(await TestUsers.CreateAsync(_host, UserRole.Admin));
        var created = await _host.Get<InvitationService>().CreateAsync(admin, new NewInvitationInput("test", role));
        Assert.True(created.IsSuccess, created.Error?.Message);
        return created.Value;
    }
}
