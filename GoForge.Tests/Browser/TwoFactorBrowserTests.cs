using GoForge.Core.Identity;
using GoForge.Core.Identity.TwoFactor;
using GoForge.Tests.Browser.Axe;
using GoForge.Tests.Harness;
using GoForge.Tests.Identity.TwoFactor;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace GoForge.Tests.Browser;

/// <summary>
/// Two-factor sign-in in Chromium: enrolment on the profile, then sign-in with a code and with a recovery code, and the
/// enrolment the policy forces before any session. Codes are computed with Otp.NET from the secret the page shows.
/// Each step's page is checked with axe-core on the way.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TwoFactorBrowserTests(BrowserFixture browser, PostgresFixture postgres)
    : BrowserTest(browser, postgres, "browser_2fa"), IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _chromium = browser;

    // One user signs in four times within a minute here (each password and each code is an attempt on the account's
    // limit, five by default); the limit itself is TwoFactorTests' subject.
    protected override void ConfigureServices(IServiceCollection services) =>
        services.PostConfigure<AuthOptions>(auth => auth.LoginAttemptsPerMinutePerAccount = 20);

    [Fact]
    public async Task Enrolled_on_the_profile_a_user_signs_in_with_a_code_and_later_with_a_recovery_code()
    {
        var user = await App.CreateUserAsync();
        var page = await SignInAsync(user.Login, "/account");
        var failures = new List<string>();

        await page.ClickAsync("[data-testid=two-factor-begin]");
        var secret = await SecretShownAsync(page);
        failures.AddRange(await AxeScanner.SeriousViolationsAsync(page, "profile: two-factor set-up", structure: false));
        await page.FillAsync("[data-testid=two-factor-confirm-code]", TotpCodes.Now(secret));
        await page.ClickAsync("[data-testid=two-factor-confirm]");
        var codes = page.Locator("[data-testid=two-factor-recovery-code]");
        await codes.First.WaitForAsync();
        var recoveryCodes = await codes.AllTextContentsAsync();
        Assert.Equal(TwoFactorCodes.RecoveryCodeCount, recoveryCodes.Count);
        failures.AddRange(await AxeScanner.SeriousViolationsAsync(page, "profile: recovery codes", structure: false));
        await page.ClickAsync("[data-testid=two-factor-codes-done]");
        await page.Locator("[data-testid=two-factor-on]").WaitForAsync();

        // A fresh browser: the password alone opens no session; the code does.
        await using var first = await NewBrowserAsync();
        await using var second = await NewBrowserAsync();
        await using var third = await NewBrowserAsync();
        var withCode = await PasswordStepAsync(first, user.Login);
        Assert.Null(await SessionCookieAsync(withCode));
        failures.AddRange(await AxeScanner.SeriousViolationsAsync(withCode, "/login/two-factor"));
        await withCode.FillAsync("[data-testid=two-factor-code]", TotpCodes.Now(secret, stepsAhead: 1));
        await withCode.ClickAsync("[data-testid=two-factor-submit]");
        await withCode.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Test User" }).WaitForAsync();
        Assert.NotNull(await SessionCookieAsync(withCode));

        var withRecovery = await PasswordStepAsync(second, user.Login);
        await withRecovery.FillAsync("[data-testid=two-factor-code]", recoveryCodes[0].Trim());
        await withRecovery.ClickAsync("[data-testid=two-factor-submit]");
        await withRecovery.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Test User" }).WaitForAsync();

        var reused = await PasswordStepAsync(third, user.Login);
        await reused.FillAsync("[data-testid=two-factor-code]", recoveryCodes[0].Trim());
        await reused.ClickAsync("[data-testid=two-factor-submit]");
        await reused.Locator("[data-testid=two-factor-error]").WaitForAsync();
        Assert.Null(await SessionCookieAsync(reused));
        Assert.Empty(failures);
    }

    [Fact]
    public async Task An_administrator_who_must_enrol_reaches_nothing_until_the_enrolment_is_confirmed()
    {
        Assert.True((await App.Get<TwoFactorPolicyService>().SaveAsync(Actor.Operator, new TwoFactorPolicy(RequireForAdmins: true, false, false))).IsSuccess);
        var admin = await App.CreateUserAsync(UserRole.Admin);
        var page = await Context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("#login", admin.Login);
        await page.FillAsync("#password", TestUsers.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/login/two-factor/enrol?*");
        var secret = await SecretShownAsync(page);
        var failures = await AxeScanner.SeriousViolationsAsync(page, "/login/two-factor/enrol");

        await page.GotoAsync("/settings");
        await page.WaitForURLAsync("**/login?ReturnUrl=*"); // no session: everything else sends back to sign-in
        await page.GotoAsync("/login/two-factor/enrol");
        Assert.Equal(secret, await SecretShownAsync(page)); // the same secret on a reload
        await page.FillAsync("[data-testid=two-factor-code]", TotpCodes.Now(secret));
        await page.ClickAsync("[data-testid=two-factor-submit]");
        await page.Locator("[data-testid=two-factor-enrolled]").WaitForAsync();
        Assert.Equal(TwoFactorCodes.RecoveryCodeCount, await page.Locator("[data-testid=two-factor-recovery-code]").CountAsync());
        await page.ClickAsync("[data-testid=two-factor-continue]");
        await page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Test User" }).WaitForAsync();
        Assert.Empty(failures);
    }

    /// <summary>A new browser context (no cookies); closed by the caller's <c>await using</c>.</summary>
    private async Task<IBrowserContext> NewBrowserAsync()
    {
        var context = await _chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = App.Address.ToString() });
        context.SetDefaultTimeout((float)Wait.DefaultTimeout.TotalMilliseconds);
        return context;
    }

    /// <summary>Through the password step in <paramref name="context"/>, on the code step.</summary>
    private static async Task<IPage> PasswordStepAsync(IBrowserContext context, string login)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("#login", login);
        await page.FillAsync("#password", TestUsers.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/login/two-factor?*");
        await page.Locator("[data-testid=two-factor-code]").WaitForAsync();
        return page;
    }

    /// <summary>The key as the page shows it for typing by hand (groups of four), without its spaces.</summary>
    private static async Task<string> SecretShownAsync(IPage page) =>
        ((await page.Locator("[data-testid=two-factor-secret]").TextContentAsync()) ?? string.Empty).Replace(" ", "", StringComparison.Ordinal).Trim();

    private static async Task<BrowserContextCookiesResult?> SessionCookieAsync(IPage page) =>
        (await page.Context.CookiesAsync()).FirstOrDefault(c => c.Name == "goforge.session");
}
