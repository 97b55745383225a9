using GoForge.Tests.Browser;
using GoForge.Tests.Harness;
using GoForge.Web.Cli;
using Microsoft.Playwright;

namespace GoForge.Tests.Cli;

[Collection(PostgresCollection.Name)]
public sealed class CliBrowserTests(BrowserFixture browser, PostgresFixture postgres)
    : BrowserTest(browser, postgres, "cli_browser"), IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task An_admin_made_with_user_create_signs_in_in_the_browser_with_the_printed_password()
    {
        var run = await new CliRunner(App.ConnectionString, App.DataPath).RunAsync("user", "create", "--login", "cli-ada", "--name", "Ada From The CLI", "--admin");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var password = CliUserTests.PasswordFrom(run);

        var page = await Context.NewPageAsync();
        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/login?ReturnUrl=*");
        await page.FillAsync("#login", "cli-ada");
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");

        await page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Ada From The CLI" }).WaitForAsync();
    }
}
