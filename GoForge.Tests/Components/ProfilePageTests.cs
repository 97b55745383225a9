using Bunit;
using GoForge.Core.Identity;
using GoForge.Core.Identity.GitHub;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Auth;
using GoForge.Web.Components.Pages.Account;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Components;

[Collection(PostgresCollection.Name)]
public sealed class ProfilePageTests(PostgresFixture postgres) : GitHubUiTest(postgres, UserRole.Member)
{
    private static readonly GitHubIdentity Octocat = new(583231, "octocat", "The Octocat", null);

    [Fact]
    public void An_unlinked_account_gets_a_link_form_that_posts_to_the_link_endpoint_with_antiforgery()
    {
        var card = Render<GitHubLinkCard>();

        card.WaitForElement("[data-testid=github-not-linked]", WaitTimeout);
        var form = card.Find("form");
        Assert.Equal(("post", "/account/github/link"), (form.GetAttribute("method"), form.GetAttribute("action")));
        Assert.NotNull(form.QuerySelector("input[name=__RequestVerificationToken]"));
        Assert.NotNull(form.QuerySelector("[data-testid=github-link]"));
    }

    [Fact]
    public async Task A_linked_account_shows_its_GitHub_login_and_unlinks_once_confirmed()
    {
        Assert.True((await Host.Get<GitHubLinkService>().LinkAsync(Actor.From(SignedIn), Octocat, null)).IsSuccess);
        var card = Render<GitHubLinkCard>();
        Assert.Equal("octocat", card.WaitForElement("[data-testid=github-linked-login]", WaitTimeout).TextContent.Trim());

        card.Find("[data-testid=github-unlink]").Click();
        ClickInDialog("Unlink");

        card.WaitForElement("[data-testid=github-not-linked]", WaitTimeout);
        Assert.Null((await Host.Get<IUserRepository>().GetByIdAsync(SignedIn.Id))!.GitHubId);
    }

    [Fact]
    public async Task The_profile_shows_the_outcome_a_GitHub_link_returned_with_and_saves_the_display_name()
    {
        var notice = Services.GetRequiredService<SignInNotice>().Url("/account", isError: true, "The GitHub account octocat is already linked to another GoForge account.");
        Services.GetRequiredService<NavigationManager>().NavigateTo(notice);

        var page = Render<Profile>();

        Assert.Contains("already linked to another GoForge account", page.WaitForElement("[data-testid=profile-notice]", WaitTimeout).TextContent, StringComparison.Ordinal);
        page.Fill("profile-display-name", "  Grace Hopper ");
        page.Find("[data-testid=profile-save]").Click();
        await Wait.UntilAsync(async () => (await Host.Get<IUserRepository>().GetByIdAsync(SignedIn.Id))!.DisplayName == "Grace Hopper", "the new display name");
    }
}

/// <summary>A GitHub-only account (made by a GitHub sign-up): it has no password, so unlinking would lock it out.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ProfileWithoutPasswordTests(PostgresFixture postgres) : GitHubUiTest(postgres, UserRole.Member)
{
    [Fact]
    public void Unlinking_is_offered_disabled_with_the_reason()
    {
        var card = Render<GitHubLinkCard>();

        Assert.Equal("hubot", card.WaitForElement("[data-testid=github-linked-login]", WaitTimeout).TextContent.Trim());
        Assert.True(card.Find("[data-testid=github-unlink]").HasAttribute("disabled"));
        Assert.Equal(GitHubLinkService.NoPasswordMessage, card.Find("[data-testid=github-unlink-hint]").TextContent.Trim());
    }

    protected override async Task<User> CreateSignedInUserAsync(TestHost host)
    {
        var now = DateTimeOffset.UtcNow;
        var user = new User { Id = Guid.CreateVersion7(), Login = "hubot", DisplayName = "Hubot", Role = UserRole.Member, GitHubId = 9919, CreatedAt = now, UpdatedAt = now };
        Assert.Equal(GitHubAccountWrite.Done, await host.Get<IGitHubUserRepository>().CreateLinkedAsync(user, "hubot", null, now));
        return user;
    }
}
