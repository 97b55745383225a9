using GoForge.Core.Identity;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Playwright;

namespace GoForge.Tests.Browser;

[Collection(PostgresCollection.Name)]
public sealed class SignInBrowserTests(BrowserFixture browser, PostgresFixture postgres)
    : BrowserTest(browser, postgres, "browser"), IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task First_admin_made_from_the_setup_link_signs_in_and_sees_the_live_dashboard()
    {
        var page = await Context.NewPageAsync();

        await page.GotoAsync((await App.SetupLinkAsync()).ToString());
        await page.FillAsync("#login", "founder");
        await page.FillAsync("#display-name", "Ada Founder");
        await page.FillAsync("#password", TestUsers.Password);
        await page.FillAsync("#confirm-password", TestUsers.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/login?setup=done");
        await page.GetByText("Your administrator account is ready").WaitForAsync();

        await page.FillAsync("#login", "founder");
        await page.FillAsync("#password", TestUsers.Password);
        await page.ClickAsync("button[type=submit]");

        await page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Ada Founder" }).WaitForAsync();
        await page.Locator("[data-testid=engine-status]").GetByText("unreachable").WaitForAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("dashboard.png"), FullPage = true });

        // The theme toggle only works over a live, authenticated circuit: it proves the hub is connected.
        await WaitForCircuitAsync(page);
        var founder = (await App.Get<IUserRepository>().GetByLoginAsync("founder"))!;
        await page.ClickAsync("[data-testid=theme-toggle]");
        await Wait.UntilAsync(async () => (await App.Get<IUserRepository>().GetByIdAsync(founder.Id))!.Theme != ThemePreference.System,
            "the theme choice to be saved");
    }

    [Fact]
    public async Task Wrong_password_in_the_browser_shows_the_message_and_stays_on_sign_in()
    {
        var user = await App.CreateUserAsync();
        var page = await Context.NewPageAsync();

        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/login?ReturnUrl=*");
        await page.FillAsync("#login", user.Login);
        await page.FillAsync("#password", "not the right one");
        await page.ClickAsync("button[type=submit]");

        var error = page.Locator("[data-testid=sign-in-error]");
        await error.WaitForAsync();
        Assert.Equal(SignInService.WrongCredentialsMessage, (await error.TextContentAsync())?.Trim());
    }

    [Fact]
    public async Task Signing_out_from_the_user_menu_returns_to_sign_in_and_the_dashboard_is_closed()
    {
        var user = await App.CreateUserAsync(UserRole.Admin);
        var page = await Context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("#login", user.Login);
        await page.FillAsync("#password", TestUsers.Password);
        await page.ClickAsync("button[type=submit]");
        await page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Test User" }).WaitForAsync();
        await WaitForCircuitAsync(page);

        await page.ClickAsync("[data-testid=user-menu]");
        await page.ClickAsync("[data-testid=sign-out]");

        // The URL is what proves it; waiting for the page's load event as well raced with its own follow-up requests
        // on a loaded machine (the URL had matched, the wait for "load" then timed out), so the form is awaited instead.
        await page.WaitForURLAsync("**/login?signedOut=1", new() { WaitUntil = WaitUntilState.Commit });
        await page.Locator("#login").WaitForAsync();
        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/login?ReturnUrl=*", new() { WaitUntil = WaitUntilState.Commit });
        await page.Locator("#login").WaitForAsync();
    }

    private static Task WaitForCircuitAsync(IPage page) => page.Locator("[data-interactive=true]").WaitForAsync();

    private static string ScreenshotPath(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
