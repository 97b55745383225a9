using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Identity.GitHub;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Identity;

[Collection(PostgresCollection.Name)]
public sealed class GitHubLinkServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly GitHubIdentity Octocat = new(583231, "octocat", "The Octocat", "octocat@example.com");

    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(postgres, "ghlink", GitHubSignInServiceTests.GitHubSettings(allowSignUp: false));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private GitHubLinkService Links => _host.Get<GitHubLinkService>();

    [Fact]
    public async Task Linking_stores_the_id_and_login_and_the_account_then_signs_in_with_GitHub()
    {
        var user = await TestUsers.CreateAsync(_host);
        var actor = Actor.From(user);

        Assert.True((await Links.LinkAsync(actor, Octocat, "10.0.0.9")).IsSuccess);

        Assert.Equal(new GitHubLink(Octocat.Id, "octocat"), (await Links.GetAsync(actor)).Value);
        Assert.Equal(user.Id, (await _host.Get<GitHubSignInService>().SignInAsync(new GitHubSignInRequest(Octocat, null, null, null))).Value?.User.Id);
        Assert.Contains(await _host.Get<IAuditLog>().ListRecentAsync(3), e => e.Action == AuditActions.GitHubLinked && e.ActorUserId == user.Id);
    }

    [Fact]
    public async Task A_GitHub_account_linked_to_someone_else_is_refused_and_stays_theirs()
    {
        var owner = await TestUsers.CreateAsync(_host);
        Assert.True((await Links.LinkAsync(Actor.From(owner), Octocat, null)).IsSuccess);
        var other = Actor.From(await TestUsers.CreateAsync(_host));

        var result = await Links.LinkAsync(other, Octocat, null);

        Assert.Equal(ErrorKind.Conflict, result.Error?.Kind);
        Assert.Contains("already linked to another GoForge account", result.Error!.Message, StringComparison.Ordinal);
        Assert.Null((await Links.GetAsync(other)).Value);
        Assert.Equal(owner.Id, (await _host.Get<IGitHubUserRepository>().GetByGitHubIdAsync(Octocat.Id))!.Id);
        Assert.Equal(AuditActions.GitHubLinkRefused, (await _host.Get<IAuditLog>().ListRecentAsync(1)).Single().Action);
    }

    [Fact]
    public async Task An_account_linked_to_one_GitHub_account_must_unlink_before_linking_another()
    {
        var actor = Actor.From(await TestUsers.CreateAsync(_host));
        Assert.True((await Links.LinkAsync(actor, Octocat, null)).IsSuccess);

        var again = await Links.LinkAsync(actor, Octocat with { Login = "octocat-renamed" }, null);
        var other = await Links.LinkAsync(actor, new GitHubIdentity(9919, "hubot", null, null), null);

        Assert.True(again.IsSuccess);
        Assert.Equal(ErrorKind.Conflict, other.Error?.Kind);
        Assert.Equal(new GitHubLink(Octocat.Id, "octocat-renamed"), (await Links.GetAsync(actor)).Value);
    }

    [Fact]
    public async Task Unlinking_needs_a_password_so_nobody_locks_themself_out()
    {
        await using var host = await TestHost.StartAsync(postgres, "ghunlink", GitHubSignInServiceTests.GitHubSettings(allowSignUp: true));
        var gitHubOnly = (await host.Get<GitHubSignInService>().SignInAsync(new GitHubSignInRequest(Octocat, null, null, null))).Value!.User;
        var links = host.Get<GitHubLinkService>();

        var refused = await links.UnlinkAsync(Actor.From(gitHubOnly));

        Assert.Equal((ErrorKind.Conflict, GitHubLinkService.NoPasswordMessage), (refused.Error?.Kind, refused.Error?.Message));
        Assert.NotNull((await links.GetAsync(Actor.From(gitHubOnly))).Value);
    }

    [Fact]
    public async Task Unlinking_an_account_with_a_password_forgets_the_GitHub_account()
    {
        var actor = Actor.From(await TestUsers.CreateAsync(_host));
        Assert.True((await Links.LinkAsync(actor, Octocat, null)).IsSuccess);

        Assert.True((await Links.UnlinkAsync(actor)).IsSuccess);

        Assert.Null((await Links.GetAsync(actor)).Value);
        Assert.Null(await _host.Get<IGitHubUserRepository>().GetByGitHubIdAsync(Octocat.Id));
        Assert.Equal(AuditActions.GitHubUnlinked, (await _host.Get<IAuditLog>().ListRecentAsync(1)).Single().Action);
        Assert.True((await Links.UnlinkAsync(actor)).IsSuccess); // nothing left to unlink: fine
    }
}
