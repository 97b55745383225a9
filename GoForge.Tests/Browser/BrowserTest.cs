using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace GoForge.Tests.Browser;

/// <summary>The real app on Kestrel against a fresh database, and a Chromium context pointed at it, per test.</summary>
public abstract class BrowserTest(BrowserFixture browser, PostgresFixture postgres, string databasePrefix) : IAsyncLifetime
{
    protected GoForgeApp App { get; private set; } = null!;

    protected IBrowserContext Context { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await GoForgeApp.StartAsync(postgres, databasePrefix, kestrel: true, services: ConfigureServices);
        Context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = App.Address.ToString() });
        Context.SetDefaultTimeout((float)Wait.DefaultTimeout.TotalMilliseconds);
    }

    public async Task DisposeAsync()
    {
        await Context.CloseAsync();
        await App.DisposeAsync();
    }

    /// <summary>Changes to the app's services for this class's tests; none by default.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Signs in through the form, landing on <paramref name="returnUrl"/> once its circuit is live.</summary>
    protected async Task<IPage> SignInAsync(string login, string returnUrl)
    {
        var page = await Context.NewPageAsync();
        await page.GotoAsync(returnUrl);
        await page.FillAsync("#login", login);
        await page.FillAsync("#password", TestUsers.Password);
        await page.ClickAsync("button[type=submit]");
        await page.Locator("[data-interactive=true]").WaitForAsync();
        return page;
    }
}
