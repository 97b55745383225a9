using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Infrastructure.Crypto;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Playwright;

namespace GoForge.Tests.Browser;

[Collection(PostgresCollection.Name)]
public sealed class UsersPageBrowserTests(BrowserFixture browser, PostgresFixture postgres) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private GoForgeApp _app = null!;
    private IBrowserContext _context = null!;

    public async Task InitializeAsync()
    {
        _app = await GoForgeApp.StartAsync(postgres, "userspage", kestrel: true);
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _app.Address.ToString() });
        _context.SetDefaultTimeout((float)Wait.DefaultTimeout.TotalMilliseconds);
    }

    public async Task DisposeAsync()
    {
        await _context.CloseAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Admin_creates_a_member_in_the_dialog_who_can_then_sign_in()
    {
        var admin = await _app.CreateUserAsync(UserRole.Admin);
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
        var grace = await _app.Get<IUserRepository>().GetByLoginAsync("grace");
        Assert.NotNull(grace);
        Assert.Equal(("Grace Hopper", UserRole.Member), (grace.DisplayName, grace.Role));
        var signIn = await _app.Get<SignInService>().SignInAsync(new SignInRequest("grace", "a long enough password", null, null));
        Assert.True(signIn.IsSuccess, signIn.Error?.Message);
    }

    [Fact]
    public async Task Members_are_refused_the_users_page_and_do_not_see_it_in_the_menu()
    {
        var member = await _app.CreateUserAsync();
        var page = await SignInAsync(member.Login, "/users");

        await page.GetByText("You do not have access to this page.").WaitForAsync();
        Assert.Equal(0, await page.Locator("nav a[href='/users']").CountAsync());
    }

    [Fact]
    public async Task Admin_rotates_the_secrets_key_from_settings_and_every_value_still_reads()
    {
        var admin = await _app.CreateUserAsync(UserRole.Admin);
        var actor = Actor.From(admin);
        var project = (await _app.Get<ProjectService>().CreateAsync(actor, new ProjectInput("Keys", null))).Value!;
        var environment = (await _app.Get<EnvironmentService>().ListAsync(actor, project.Id)).Value![0];
        var app = (await _app.Get<ApplicationService>().CreateAsync(actor, environment.Id, new ApplicationInput { Name = "api", GitUrl = "https://example.com/a.git" })).Value!;
        await _app.Get<VariableService>().SetAsync(actor, app.Id, new VariableInput("TOKEN", "survives-rotation", IsSecret: true));
        var ring = _app.Get<SecretKeyRing>();
        var oldKey = ring.CurrentKeyId;
        var page = await SignInAsync(admin.Login, "/settings");

        await page.ClickAsync("[data-testid=rotate-key]");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate", Exact = true }).ClickAsync();

        await page.Locator("[data-testid=rotation-report]").GetByText("1 value(s) re-encrypted", new() { Exact = false }).WaitForAsync();
        Assert.NotEqual(oldKey, ring.CurrentKeyId);
        var variable = (await _app.Get<VariableService>().ListAsync(actor, app.Id)).Value![0];
        Assert.Equal("survives-rotation", (await _app.Get<VariableService>().RevealAsync(actor, variable.Id)).Value);
    }

    private async Task<IPage> SignInAsync(string login, string returnUrl)
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync(returnUrl);
        await page.FillAsync("#login", login);
        await page.FillAsync("#password", TestUsers.Password);
        await page.ClickAsync("button[type=submit]");
        await page.Locator("[data-interactive=true]").WaitForAsync();
        return page;
    }
}
