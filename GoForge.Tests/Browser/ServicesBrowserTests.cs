using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Services;
using GoForge.Tests.Catalog;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace GoForge.Tests.Browser;

/// <summary>
/// A service created through the UI in Chromium over the real panel, PostgreSQL and Docker engine: from the
/// environment tab to the catalog, the create dialog, and the service page with its connection details and credentials.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ServicesBrowserTests(BrowserFixture browser, PostgresFixture postgres, DockerFixture docker)
    : IClassFixture<BrowserFixture>, IClassFixture<DockerFixture>, IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("goforge-servicesui-").FullName;
    private GoForgeApp? _app;
    private IBrowserContext? _context;
    private Guid _projectId;

    private GoForgeApp App => _app ?? throw new InvalidOperationException("The panel did not start.");

    private IBrowserContext Context => _context ?? throw new InvalidOperationException("The browser context did not open.");

    public async Task InitializeAsync()
    {
        await BusyboxImage.EnsureAsync(docker.Client);
        File.Copy(CatalogSamples.TestTemplatePath, Path.Combine(_folder, "test-kv.yaml"));
        _app = await GoForgeApp.StartAsync(postgres, "servicesui", kestrel: true, settings: new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:Catalog:TemplateFolder"] = _folder,
        });
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = App.Address.ToString() });
        Context.SetDefaultTimeout((float)Wait.DefaultTimeout.TotalMilliseconds);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await App.Services.RemoveProjectServicesAsync(_projectId);
        }

        if (_context is not null)
        {
            await _context.CloseAsync();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_maintainer_adds_a_service_from_the_catalog_and_its_page_shows_it_running_with_its_credentials()
    {
        var member = await App.CreateUserAsync();
        var actor = Actor.From(member);
        var (project, production) = await App.Services.CreateProjectAsync(actor, "Shop");
        _projectId = project.Id;
        var page = await SignInAsync(member.Login, $"/projects/{project.Id}");

        await page.Locator("[data-testid=services-empty]").WaitForAsync();
        await page.ClickAsync("[data-testid=add-service]");
        await page.WaitForURLAsync($"**/environments/{production.Id}/services/new");
        await page.Locator("[data-testid=catalog-search] input, input[data-testid=catalog-search]").First.FillAsync("test kv");
        await page.Locator("[data-testid=template-card]").First.WaitForAsync();
        await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=template-card]').length === 1");
        await page.ClickAsync("[data-template=test-kv] [data-testid=pick-template]");

        var dialog = page.Locator("[data-testid=create-service-dialog]");
        var name = page.Locator("input[data-testid=service-name]");
        await name.WaitForAsync();
        Assert.Equal("test-kv", await name.InputValueAsync());
        Assert.Equal("password", await page.Locator("input[data-testid=service-input-password]").GetAttributeAsync("type"));
        await name.FillAsync("Cache");
        await page.Locator("input[data-testid=service-domain]").FillAsync("kv.example.com");
        await page.ClickAsync("[data-testid=create-service]");

        await page.WaitForURLAsync("**/services/*", new() { Timeout = 120_000 });
        await page.Locator("[data-testid=service-state][data-state=Running]").First.WaitForAsync();
        var service = Assert.Single((await App.Services.GetRequiredService<ServiceInstanceService>().ListAsync(actor, production.Id)).Value!);
        Assert.EndsWith($"/services/{service.Id}", page.Url, StringComparison.Ordinal);
        Assert.Equal("cache", (await page.Locator("[data-testid=connection-host]").InnerTextAsync()).Trim());
        Assert.Equal("8080", (await page.Locator("[data-testid=connection-port]").InnerTextAsync()).Trim());
        Assert.Equal("http://cache:8080/", (await page.Locator("[data-testid=output-url] [data-testid=output-value]").InnerTextAsync()).Trim());
        Assert.Equal(1, await page.Locator("[data-testid=output-authenticated_url] [data-testid=masked]").CountAsync());
        Assert.Equal("https://kv.example.com/", (await page.Locator("[data-testid=output-public_url] [data-testid=output-value]").InnerTextAsync()).Trim());

        var stored = (await App.Services.GetRequiredService<ServiceInstanceService>().RevealAsync(actor, service.Id)).Value!.Inputs;
        Assert.Equal(0, await page.GetByText(stored["password"]).CountAsync());
        await page.ClickAsync("[data-testid=reveal-credentials]");
        await page.Locator("[data-testid=credential-password] [data-testid=credential-value]").WaitForAsync();
        Assert.Equal(stored["password"], (await page.Locator("[data-testid=credential-password] [data-testid=credential-value]").InnerTextAsync()).Trim());
        await page.Locator("[data-testid=runtime-state][data-state=Running]").WaitForAsync();
        Assert.Equal(0, await dialog.CountAsync());

        await page.GotoAsync($"/projects/{project.Id}");
        await page.Locator("[data-testid=service-card][data-service=cache] [data-testid=service-state][data-state=Running]").WaitForAsync();
    }

    /// <summary>Signs in through the form, landing on <paramref name="returnUrl"/> once its circuit is live.</summary>
    private async Task<IPage> SignInAsync(string login, string returnUrl)
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
