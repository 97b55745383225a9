using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Infrastructure.Crypto;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Playwright;

namespace GoForge.Tests.Browser;

[Collection(PostgresCollection.Name)]
public sealed class UsersPageBrowserTests(BrowserFixture browser, PostgresFixture postgres)
    : BrowserTest(browser, postgres, "userspage"), IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Admin_creates_a_member_in_the_dialog_who_can_then_sign_in()
    {
        var admin = await App.CreateUserAsync(UserRole.Admin);
        var page = await SignInAsync(admin.Login, "/users");

        await page.ClickAsync("[data-testid=new-user]");
        await page.Locator("[data-testid=new-login] input, input[data-testid=new-login]").First.FillAsync("-bad login");
        await page.Locator("[data-testid=new-display-name] input, input[data-testid=new-display-name]").First.FillAsync("Grace Hopper");
        await page.Locator("[data-testid=new-password] input, input[data-testid=new-password]").First.FillAsync("short");
        await page.ClickAsync("[data-testid=create-user]");
        await page.GetByText("A login uses only letters").WaitForAsync();
        await page.GetByText($"at least {UserInputRules.PasswordMinLength} characters").First.WaitForAsync();

        await page.Locator("[data-testid=new-login] input, input[data-testid=new-login]").First.FillAsync("grace");
        await page.Locator("[data-testid=new-password] input, input[data-testid=new-password]").First.FillAsync("a long enough password");
        await page.ClickAsync("[data-testid=create-user]");

        await page.Locator("[data-testid=users-table]").GetByText("grace", new() { Exact = true }).WaitForAsync();
        var grace = await App.Get<IUserRepository>().GetByLoginAsync("grace");
        Assert.NotNull(grace);
        Assert.Equal(("Grace Hopper", UserRole.Member), (grace.DisplayName, grace.Role));
        var signIn = await App.Get<SignInService>().SignInAsync(new SignInRequest("grace", "a long enough password", null, null));
        Assert.True(signIn.IsSuccess, signIn.Error?.Message);
    }

    [Fact]
    public async Task Members_are_refused_the_users_page_and_do_not_see_it_in_the_menu()
    {
        var member = await App.CreateUserAsync();
        var page = await SignInAsync(member.Login, "/users");

        await page.GetByText("You do not have access to this page.").WaitForAsync();
        Assert.Equal(0, await page.Locator("nav a[href='/users']").CountAsync());
    }

    [Fact]
    public async Task Admin_rotates_the_secrets_key_from_settings_and_every_value_still_reads()
    {
        var admin = await App.CreateUserAsync(UserRole.Admin);
        var actor = Actor.From(admin);
        var project = (await App.Get<ProjectService>().CreateAsync(actor, new ProjectInput("Keys", null))).Value!;
        var environment = (await App.Get<EnvironmentService>().ListAsync(actor, project.Id)).Value![0];
        var app = (await App.Get<ApplicationService>().CreateAsync(actor, environment.Id, new ApplicationInput { Name = "api", GitUrl = "https://example.com/a.git" })).Value!;
        await App.Get<VariableService>().SetAsync(actor, app.Id, new VariableInput("TOKEN", "survives-rotation", IsSecret: true));
        var ring = App.Get<SecretKeyRing>();
        var oldKey = ring.CurrentKeyId;
        var page = await SignInAsync(admin.Login, "/settings");

        await page.ClickAsync("[data-testid=rotate-key]");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate", Exact = true }).ClickAsync();

        await page.Locator("[data-testid=rotation-report]").GetByText("1 value(s) re-encrypted", new() { Exact = false }).WaitForAsync();
        Assert.NotEqual(oldKey, ring.CurrentKeyId);
        var variable = (await App.Get<VariableService>().ListAsync(actor, app.Id)).Value![0];
        Assert.Equal("survives-rotation", (await App.Get<VariableService>().RevealAsync(actor, variable.Id)).Value);
    }
}
