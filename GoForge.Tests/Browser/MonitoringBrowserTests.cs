using System.Globalization;
using GoForge.Core.Identity;
using GoForge.Tests.Harness;
using GoForge.Tests.Monitoring;
using GoForge.Tests.Support;
using Microsoft.Playwright;

namespace GoForge.Tests.Browser;

/// <summary>
/// The application page in Chromium over the real panel (Kestrel, PostgreSQL, the tracker as its hosted service)
/// pointed at the shared Docker engine through its setting, with a labelled busybox container that burns a little CPU
/// and prints a numbered line every 300 ms.
/// </summary>
/// <remarks>
/// Not a <see cref="BrowserTest"/>: that base starts the panel without settings, and the engine's endpoint is a
/// setting here (GoForgeApp points it at a missing socket otherwise), so this class starts its own panel the same way.
/// </remarks>
[Collection(PostgresCollection.Name)]
public sealed class MonitoringBrowserTests(BrowserFixture browser, PostgresFixture postgres, DockerFixture docker)
    : IClassFixture<BrowserFixture>, IClassFixture<DockerFixture>, IAsyncLifetime
{
    private const string CpuPlot = "[data-testid=chart-cpu] [data-testid=stats-plot]";

    // True once a log line numbered above minNumber, written by the engine after `after` (ms since the epoch), is shown.
    private const string LogLineAfter = """
        ([after, minNumber]) => [...document.querySelectorAll('[data-testid=container-log] [data-testid=log-line]')].some(line => {
            const number = Number((line.querySelector('.gf-log-text')?.textContent ?? '').replace('line-', ''));
            const time = Date.parse((line.querySelector('.gf-log-time')?.textContent ?? '').replace(' ', 'T') + 'Z');
            return number > minNumber && time > after;
        })
        """;

    private GoForgeApp? _app;
    private IBrowserContext? _context;
    private string? _containerId;

    private GoForgeApp App => _app ?? throw new InvalidOperationException("The panel did not start.");

    private IBrowserContext Context => _context ?? throw new InvalidOperationException("The browser context did not open.");

    public async Task InitializeAsync()
    {
        _app = await GoForgeApp.StartAsync(postgres, "monitorui", kestrel: true, settings: new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
        });
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = App.Address.ToString() });
        Context.SetDefaultTimeout((float)Wait.DefaultTimeout.TotalMilliseconds);
    }

    public async Task DisposeAsync()
    {
        await TestContainers.RemoveAsync(docker.Client, _containerId);
        if (_context is not null)
        {
            await _context.CloseAsync();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_application_page_shows_the_live_chart_moving_and_log_lines_printed_after_it_opened()
    {
        var member = await App.CreateUserAsync();
        var actor = Actor.From(member);
        var (_, production) = await App.Services.CreateProjectAsync(actor, "Shop");
        var application = await App.Services.CreateApplicationAsync(actor, production.Id, "api");
        using (var timeout = new CancellationTokenSource(TestContainers.Timeout))
        {
            _containerId = await TestContainers.RunAsync(
                docker.Client, RuntimeCardOnRealEngineTests.BusyAndLogging, TestContainers.Managed(application.Id, Guid.NewGuid()), ct: timeout.Token);
        }

        var page = await SignInAsync(member.Login, $"/applications/{application.Id}");

        await page.Locator("[data-testid=runtime-state][data-state=Running]").WaitForAsync();
        Assert.Equal(0, await page.Locator("[data-testid=runtime-engine-down]").CountAsync());
        await page.WaitForFunctionAsync($"() => Number(document.querySelector('{CpuPlot}')?.getAttribute('data-points') ?? 0) > 0");
        var plot = page.Locator(CpuPlot);
        var points = await plot.GetAttributeAsync("data-points");
        var viewBox = await plot.GetAttributeAsync("viewBox");

        // The chart moves: more points arrive, and the view box slides with them.
        await page.WaitForFunctionAsync(
            $"([points, viewBox]) => {{ const plot = document.querySelector('{CpuPlot}'); return plot !== null && plot.getAttribute('data-points') !== points && plot.getAttribute('viewBox') !== viewBox; }}",
            new[] { points, viewBox });
        var cpu = (await page.Locator("[data-testid=chart-cpu] [data-testid=stats-latest]").InnerTextAsync()).Trim();
        Assert.InRange(double.Parse(cpu.TrimEnd('%', ' '), CultureInfo.InvariantCulture), 0, 100.0 * Environment.ProcessorCount);
        await ScreenshotAsync(page, "monitoring-overview.png");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Logs" }).ClickAsync();
        var lines = page.Locator("[data-testid=container-log] [data-testid=log-line] .gf-log-text");
        await lines.First.WaitForAsync();
        var seenAt = DateTimeOffset.UtcNow; // every line printed from now on was printed after the page opened
        var lastSeen = (await lines.AllTextContentsAsync()).Max(Number);

        await page.WaitForFunctionAsync(LogLineAfter, new object[] { seenAt.ToUnixTimeMilliseconds(), lastSeen });
        var numbers = (await lines.AllTextContentsAsync()).Select(Number).ToList();
        Assert.Equal(Enumerable.Range(numbers[0], numbers.Count), numbers);
        Assert.Equal(0, await page.Locator("[data-testid=log-error]").CountAsync());
        await ScreenshotAsync(page, "monitoring-logs.png");
    }

    /// <summary>Signs in through the form, landing on <paramref name="returnUrl"/> once its circuit is live (as <see cref="BrowserTest"/> does).</summary>
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

    private static int Number(string text) => int.Parse(text.Replace("line-", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name), FullPage = true });
    }
}
