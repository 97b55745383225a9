using GoForge.Core.Identity;
using GoForge.Core.Identity.GitHub;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Playwright;

namespace GoForge.Tests.Browser;

/// <summary>GitHub sign-in in Chromium, against the stand-in GitHub, with the settings saved as the Settings page saves them.</summary>
[Collection(PostgresCollection.Name)]
public sealed class GitHubSignInBrowserTests(BrowserFixture browser, PostgresFixture postgres)
    : BrowserTest(browser, postgres, "ghbrowser"), IClassFixture<BrowserFixture>
{
    private static readonly FakeGitHubUser Octocat = new(583231, "octocat", "The Octocat", "octocat@example.com");

    [Fact]
    public async Task Invited_person_continues_with_GitHub_from_the_invitation_page_to_the_dashboard()
    {
        await using var github = await FakeGitHub.StartAsync();
        var admin = await ConfigureAsync(github);
        var invitation = (await App.Get<InvitationService>().CreateAsync(admin, new NewInvitationInput("for the octocat", UserRole.Member))).Value!;
        github.SignedIn = Octocat;
        var page = await Context.NewPageAsync();

        await page.GotoAsync($"/invite/{invitation.Token}");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("invitation.png") });
        await page.ClickAsync("[data-testid=github-sign-in]");

        await page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, The Octocat" }).WaitForAsync();
        Assert.Equal(UserRole.Member, (await App.Get<IGitHubUserRepository>().GetByGitHubIdAsync(Octocat.Id))?.Role);
    }

    [Fact]
    public async Task A_member_links_GitHub_on_the_profile_page_and_unlinks_it_again()
    {
        await using var github = await FakeGitHub.StartAsync();
        await ConfigureAsync(github);
        github.SignedIn = Octocat;
        var user = await App.CreateUserAsync();
        var page = await SignInAsync(user.Login, "/account");

        await page.ClickAsync("[data-testid=github-link]");

        await page.Locator("[data-testid=profile-notice]").GetByText("Linked the GitHub account octocat.").WaitForAsync();
        Assert.Equal("octocat", (await page.Locator("[data-testid=github-linked-login]").TextContentAsync())?.Trim());
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("profile.png"), FullPage = true });
        await page.ClickAsync("[data-testid=github-unlink]");
        await page.GetByRole(AriaRole.Button, new() { Name = "Unlink", Exact = true }).ClickAsync();

        await page.Locator("[data-testid=github-not-linked]").WaitForAsync();
        await Wait.UntilAsync(async () => (await App.Get<IUserRepository>().GetByIdAsync(user.Id))!.GitHubId is null, "the link to be gone");
    }

    [Fact]
    public async Task Sign_in_page_offers_GitHub_and_the_admin_settings_show_its_card()
    {
        await using var github = await FakeGitHub.StartAsync();
        var admin = await ConfigureAsync(github);
        var anonymous = await Context.NewPageAsync();
        await anonymous.GotoAsync("/login");
        await anonymous.Locator("[data-testid=github-sign-in]").WaitForAsync();
        await anonymous.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("login-with-github.png") });
        await anonymous.CloseAsync();

        var page = await SignInAsync(admin.Login, "/settings");

        await page.Locator("[data-testid=github-origin]").GetByText("set here").WaitForAsync();
        Assert.Equal(0, await page.GetByText(FakeGitHub.ClientSecret).CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("settings-github.png"), FullPage = true });
    }

    /// <summary>Points the panel at <paramref name="github"/> through the Settings page's service (no restart); returns the admin.</summary>
    private async Task<Actor> ConfigureAsync(FakeGitHub github)
    {
        var admin = Actor.From(await App.CreateUserAsync(UserRole.Admin));
        var saved = await App.Get<GitHubSettingsAdministration>().SaveAsync(admin,
            new GitHubSettingsInput(true, FakeGitHub.ClientId, FakeGitHub.ClientSecret, github.BaseUrl.ToString(), github.ApiUrl.ToString(), AllowSignUp: false));
        Assert.True(saved.IsSuccess, saved.Error?.Message);
        return admin;
    }

    private static string ScreenshotPath(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
