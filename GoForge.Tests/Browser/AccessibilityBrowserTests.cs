using System.Reflection;
using System.Text.RegularExpressions;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Services;
using GoForge.Tests.Browser.Axe;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace GoForge.Tests.Browser;

/// <summary>
/// WCAG 2.2 AA (docs/accessibility.md): axe-core finds no serious or critical violation on any page of the panel, in
/// light and dark mode, nor in a dialog or on any tab of the application page; and the layout works by keyboard.
/// </summary>
/// <remarks>
/// The pages are every routable component of the web assembly, so a new page is checked without touching this test;
/// a route parameter the test has no value for fails it, asking for one.
/// </remarks>
[Collection(PostgresCollection.Name)]
public sealed partial class AccessibilityBrowserTests(BrowserFixture browser, PostgresFixture postgres)
    : BrowserTest(browser, postgres, "a11y"), IClassFixture<BrowserFixture>
{
    // A page has settled when its circuit is live, nothing on it is still loading, and no transition is half-way
    // (axe would read a colour between two states); endless animations (spinners) do not count.
    private const string Settled = """
        () => document.querySelector('[data-interactive=true]') !== null
            && document.querySelector('.mud-progress-linear.mud-progress-indeterminate, .mud-progress-circular.mud-progress-indeterminate') === null
            && document.getAnimations().every(a => a.playState !== 'running' || !Number.isFinite(a.effect?.getComputedTiming().endTime ?? Infinity))
        """;

    private static readonly ThemePreference[] Modes = [ThemePreference.Light, ThemePreference.Dark];

    // Queued deployments stay queued: a worker would try to clone the fake repository while the test reads the page.
    protected override void ConfigureServices(IServiceCollection services) => GoForgeApp.WithoutDeploymentWorker(services);

    [Fact]
    public async Task Every_page_has_no_serious_or_critical_axe_violation_and_a_sound_structure_in_light_and_dark_mode()
    {
        var failures = new List<string>();
        var routes = Routes().ToList();
        Assert.Contains(routes, r => r.Template == "/");

        // Signed out first, while no administrator exists: the setup page then shows its form (its one-time link).
        var signedOut = new Dictionary<string, string>(StringComparer.Ordinal) { ["Token"] = "not-a-real-invitation" };
        var queries = new Dictionary<string, string>(StringComparer.Ordinal) { ["/setup"] = (await App.SetupLinkAsync()).Query };
        var anonymous = await Context.NewPageAsync();
        foreach (var mode in Modes)
        {
            await anonymous.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = mode == ThemePreference.Dark ? ColorScheme.Dark : ColorScheme.Light });
            foreach (var route in routes.Where(r => r.Anonymous))
            {
                await anonymous.GotoAsync(Fill(route.Template, signedOut) + queries.GetValueOrDefault(route.Template, string.Empty));
                await anonymous.WaitForLoadStateAsync(LoadState.NetworkIdle);
                failures.AddRange(await AxeScanner.SeriousViolationsAsync(anonymous, $"{route.Template} [{mode}]"));
            }
        }

        await anonymous.CloseAsync();
        var admin = await App.CreateUserAsync(UserRole.Admin);
        var actor = Actor.From(admin);
        var values = await SeedAsync(actor);
        var page = await SignInAsync(admin.Login, "/");
        foreach (var mode in Modes)
        {
            Assert.True((await App.Get<AccountService>().SetThemeAsync(actor, mode)).IsSuccess);
            await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = mode == ThemePreference.Dark ? ColorScheme.Dark : ColorScheme.Light });
            foreach (var route in routes.Where(r => !r.Anonymous))
            {
                await OpenAsync(page, Fill(route.Template, values));
                failures.AddRange(await AxeScanner.SeriousViolationsAsync(page, $"{route.Template} [{mode}]"));
            }

            failures.AddRange(await ApplicationTabsAsync(page, values, mode));
            failures.AddRange(await DialogAsync(page, "/projects", "[data-testid=new-project]", mode));
            failures.AddRange(await DialogAsync(page, $"/projects/{values["ProjectId"]}", "[data-testid=members]", mode));
            failures.AddRange(await UserMenuAsync(page, mode));
            await ScreenshotAsync(page, "/", $"a11y-dashboard-{mode}.png".ToLowerInvariant());
            await ScreenshotAsync(page, $"/applications/{values["ApplicationId"]}", $"a11y-application-{mode}.png".ToLowerInvariant());
        }

        Assert.True(failures.Count == 0, $"{failures.Count} axe violation(s):{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
    }

    /// <summary>Every routable page of the panel: its template and whether it is reached signed out.</summary>
    private static IEnumerable<(string Template, bool Anonymous)> Routes() =>
        typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t))
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>().Select(r => (r.Template, t.GetCustomAttribute<AllowAnonymousAttribute>() is not null)))
            .OrderBy(r => r.Template, StringComparer.Ordinal);

    /// <summary>The route with its parameters filled from <paramref name="values"/> (by parameter name).</summary>
    private static string Fill(string template, Dictionary<string, string> values) =>
        RouteParameter().Replace(template, m => values.TryGetValue(m.Groups["name"].Value, out var value)
            ? value
            : throw new InvalidOperationException($"No value for route parameter {m.Groups["name"].Value} of {template}: seed one in {nameof(SeedAsync)}."));

    /// <summary>A project with its production environment, an application, a queued deployment and a (recorded) service.</summary>
    private async Task<Dictionary<string, string>> SeedAsync(Actor actor)
    {
        var (project, production) = await App.Services.CreateProjectAsync(actor, "Shop");
        var application = await App.Services.CreateApplicationAsync(actor, production.Id, "api");
        var deployment = await App.Get<DeploymentService>().EnqueueAsync(actor, application.Id);
        Assert.True(deployment.IsSuccess, deployment.Error?.Message);

        // Recorded as running rather than started: the page is checked, not the engine (these tests have none).
        var preview = await App.Get<ServiceInstanceService>().PreviewAsync("postgresql");
        Assert.True(preview.IsSuccess, preview.Error?.Message);
        var now = DateTimeOffset.UtcNow;
        var service = new ServiceInstance
        {
            Id = Guid.NewGuid(), ProjectId = project.Id, EnvironmentId = production.Id, TemplateId = "postgresql",
            Version = preview.Value.Version, Name = "Database", Slug = "database", State = ServiceState.Running,
            Reason = "started", CreatedAt = now, UpdatedAt = now,
        };
        Assert.Equal(SaveOutcome.Saved, await App.Get<IServiceInstanceRepository>().TryCreateAsync(service, preview.Value.Inputs, null));

        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ProjectId"] = project.Id.ToString(),
            ["EnvironmentId"] = production.Id.ToString(),
            ["ApplicationId"] = application.Id.ToString(),
            ["DeploymentId"] = deployment.Value.Id.ToString(),
            ["ServiceId"] = service.Id.ToString(),
        };
    }

    private static async Task OpenAsync(IPage page, string url)
    {
        await page.GotoAsync(url);
        await page.WaitForFunctionAsync(Settled);
    }

    private static async Task<IReadOnlyList<string>> ApplicationTabsAsync(IPage page, Dictionary<string, string> values, ThemePreference mode)
    {
        var failures = new List<string>();
        await OpenAsync(page, $"/applications/{values["ApplicationId"]}");
        var tabs = page.Locator("[data-testid=application-tabs] [role=tab]");
        var count = await tabs.CountAsync();
        Assert.True(count > 1, "the application page shows its tabs");
        for (var i = 0; i < count; i++)
        {
            var tab = tabs.Nth(i);
            var name = (await tab.InnerTextAsync()).Trim();
            await tab.ClickAsync();
            await page.Locator($"[data-testid=application-tabs] [role=tab][aria-selected=true]").GetByText(name).WaitForAsync();
            await page.WaitForFunctionAsync(Settled);
            failures.AddRange(await AxeScanner.SeriousViolationsAsync(page, $"/applications/{{ApplicationId}} tab {name} [{mode}]"));
        }

        return failures;
    }

    private static async Task<IReadOnlyList<string>> DialogAsync(IPage page, string url, string opener, ThemePreference mode)
    {
        await OpenAsync(page, url);
        await page.ClickAsync(opener);
        await page.Locator(".mud-dialog").WaitForAsync();
        await page.WaitForFunctionAsync(Settled);
        var failures = await AxeScanner.SeriousViolationsAsync(page, $"{url} dialog {opener} [{mode}]");
        await page.Keyboard.PressAsync("Escape");
        await page.Locator(".mud-dialog").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        return failures;
    }

    private static async Task<IReadOnlyList<string>> UserMenuAsync(IPage page, ThemePreference mode)
    {
        await OpenAsync(page, "/");
        await page.ClickAsync("[data-testid=user-menu]");
        await page.Locator("[data-testid=menu-profile]").WaitForAsync();
        var failures = await AxeScanner.SeriousViolationsAsync(page, $"user menu [{mode}]", structure: false);
        await page.Keyboard.PressAsync("Escape");
        return failures;
    }

    private static async Task ScreenshotAsync(IPage page, string url, string name)
    {
        await page.GotoAsync(url);
        await page.WaitForFunctionAsync(Settled);
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name), FullPage = true });
    }

    [GeneratedRegex(@"\{(?<name>\w+)(:[^}]*)?\}")]
    private static partial Regex RouteParameter();
}
