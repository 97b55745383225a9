using System.Text;
using Bunit;
using GoForge.Core.Identity;
using GoForge.Core.Monitoring;
using GoForge.Core.Projects;
using GoForge.Tests.Support;
using GoForge.Web.Auth;
using GoForge.Web.Components.Pages.Monitoring;
using GoForge.Web.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Components;

/// <summary>The Logs tab (and its download) over the real MonitoringService and tracker, on a FakeEngine, in real time.</summary>
public sealed class ContainerLogViewTests : MonitoringUiTest
{
    private DateTimeOffset _lastLine = DateTimeOffset.UtcNow.AddMinutes(-5);

    [Fact]
    public async Task Opening_shows_the_last_lines_then_lines_written_later()
    {
        this.SignIn(Ada);
        var app = await StartAsync();
        var container = await PutAsync(Running(app, "c1"));
        Log(container, "booting", "listening on :8080", "ready");

        var view = RenderView(app, tail: 2);

        view.WaitForAssertion(() => Assert.Equal(["listening on :8080", "ready"], Lines(view)), WaitTimeout);
        await WaitUntilAsync(() => Engine.LogReadersOpen == 1, "the log reader to follow");
        Log(container, "GET /health 200");
        Engine.WriteLog(container.Id, new ContainerLogLine(NextTime(), LogOutput.Stderr, "warning: slow query"));

        view.WaitForAssertion(() => Assert.Equal(["listening on :8080", "ready", "GET /health 200", "warning: slow query"], Lines(view)), WaitTimeout);
        Assert.Equal("4 lines", view.Find("[data-testid=log-count]").TextContent.Trim());
        Assert.Equal(["stdout", "stdout", "stdout", "stderr"], view.FindAll("[data-testid=log-line]").Select(l => l.GetAttribute("data-stream") ?? "").ToArray());
        Assert.Single(view.FindAll("[data-testid=log-line] .gf-log-err"));
        Assert.Equal($"/applications/{app.Id}/logs/download", view.Find("[data-testid=log-download]").GetAttribute("href"));
    }

    [Fact]
    public async Task Pause_holds_new_lines_back_and_counts_them_and_resume_shows_them()
    {
        this.SignIn(Ada);
        var app = await StartAsync();
        var container = await PutAsync(Running(app, "c1"));
        Log(container, "first");
        var view = RenderView(app);
        view.WaitForAssertion(() => Assert.Equal(["first"], Lines(view)), WaitTimeout);

        view.Find("[data-testid=log-pause]").Click();
        Log(container, "second", "third");

        view.WaitForAssertion(() => Assert.Contains("2 new lines", view.Find("[data-testid=log-new-count]").TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.Equal(["first"], Lines(view));

        view.Find("[data-testid=log-pause]").Click();

        view.WaitForAssertion(() => Assert.Equal(["first", "second", "third"], Lines(view)), WaitTimeout);
        Assert.Empty(view.FindAll("[data-testid=log-new-count]"));
    }

    [Fact]
    public async Task The_filter_keeps_lines_containing_the_text_whatever_its_case()
    {
        this.SignIn(Ada);
        var app = await StartAsync();
        var container = await PutAsync(Running(app, "c1"));
        Log(container, "GET /orders 200", "GET /health 200", "POST /Orders 201");
        var view = RenderView(app);
        view.WaitForAssertion(() => Assert.Equal(3, Lines(view).Length), WaitTimeout);

        view.Fill("log-search", "ORDERS");

        view.WaitForAssertion(() => Assert.Equal(["GET /orders 200", "POST /Orders 201"], Lines(view)), WaitTimeout);
        Assert.Equal("2 of 3 lines", view.Find("[data-testid=log-count]").TextContent.Trim());
    }

    [Fact]
    public async Task The_timestamps_switch_hides_and_shows_the_times()
    {
        this.SignIn(Ada);
        var app = await StartAsync();
        var container = await PutAsync(Running(app, "c1"));
        Log(container, "ready");
        var view = RenderView(app);
        view.WaitForAssertion(() => Assert.Single(view.FindAll("[data-testid=log-line] .gf-log-time")), WaitTimeout);

        view.Find("[data-testid=log-timestamps]").Change(false);

        view.WaitForAssertion(() => Assert.Empty(view.FindAll("[data-testid=log-line] .gf-log-time")), WaitTimeout);
        Assert.Equal(["ready"], Lines(view));
    }

    [Fact]
    public async Task A_restart_shows_a_notice_and_following_goes_on_with_the_new_run()
    {
        this.SignIn(Ada);
        var app = await StartAsync();
        var container = await PutAsync(Running(app, "c1", upFor: TimeSpan.FromMinutes(10)));
        Log(container, "run 1");
        var view = RenderView(app);
        view.WaitForAssertion(() => Assert.Equal(["run 1"], Lines(view)), WaitTimeout);

        Engine.EndStreams(container.Id);
        await PutAsync(container with { StartedAt = Time.GetUtcNow(), RestartCount = 1 }, "restart");
        Log(container, "run 2");

        view.WaitForAssertion(() => Assert.Equal(["run 1", "— container shop-api-c1 restarted (restart 1) —", "run 2"], Lines(view)), WaitTimeout);
        var notice = view.FindAll("[data-testid=log-line]")[1];
        Assert.Equal("notice", notice.GetAttribute("data-stream"));
        Assert.Contains("gf-log-notice", notice.ClassList);
    }

    [Fact]
    public async Task Secret_values_of_the_application_are_masked()
    {
        this.SignIn(Ada);
        var app = await StartAsync();
        var saved = await Services.GetRequiredService<VariableService>().SetAsync(Owner, app.Id, new VariableInput("DB_PASSWORD", "hunter2-and-more", IsSecret: true));
        Assert.True(saved.IsSuccess, saved.Error?.Message);
        var container = await PutAsync(Running(app, "c1"));
        var view = RenderView(app);
        await WaitUntilAsync(() => Engine.LogReadersOpen == 1, "the log reader to follow");

        Log(container, "connecting with password=hunter2-and-more");

        view.WaitForAssertion(() => Assert.Equal(["connecting with password=****"], Lines(view)), WaitTimeout);
        Assert.DoesNotContain("hunter2", view.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outsider_gets_not_found_and_no_log_reader_opens()
    {
        this.SignIn(Store.AddUser("eve"));
        var app = await StartAsync();
        var container = await PutAsync(Running(app, "c1"));
        Log(container, "private line");
        var before = Held();

        var view = RenderView(app);

        view.WaitForAssertion(() => Assert.Contains("No such application", view.Find("[data-testid=log-error]").TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.Empty(view.FindAll("[data-testid=log-line]"));
        Assert.Equal(before, Held());
    }

    [Fact]
    public async Task Closing_the_tab_leaks_nothing_the_card_and_the_log_held()
    {
        this.SignIn(Ada);
        var app = await StartAsync();
        var container = await PutAsync(Running(app, "c1"));
        Log(container, "ready");
        var before = Held();
        var card = Render<ContainerRuntimeCard>(p => p.Add(c => c.ApplicationId, app.Id));
        var view = RenderView(app);
        view.WaitForAssertion(() => Assert.Equal(["ready"], Lines(view)), WaitTimeout);
        card.WaitForElement("[data-testid=runtime-state]", WaitTimeout);
        await WaitUntilAsync(() => Held() == (before.Stats + 1, before.States + 2, before.LogReaders + 1), "the card and the log to subscribe");

        await DisposeComponentsAsync();

        await WaitUntilAsync(() => Held() == before, "every subscription and log reader to be released");
    }

    [Fact]
    public async Task The_download_has_the_last_lines_masked_and_an_outsider_gets_not_found()
    {
        var app = await StartAsync();
        await Services.GetRequiredService<VariableService>().SetAsync(Owner, app.Id, new VariableInput("TOKEN", "tok-123456", IsSecret: true));
        var container = await PutAsync(Running(app, "c1"));
        Log(container, "one", "two", "token tok-123456");
        Engine.WriteLog(container.Id, new ContainerLogLine(NextTime(), LogOutput.Stderr, "oops"));

        var (status, text) = await DownloadAsync(Ada, app.Id, tail: 3);

        Assert.Equal(StatusCodes.Status200OK, status);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.EndsWith("stdout two", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("stdout token ****", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("stderr oops", lines[2], StringComparison.Ordinal);
        Assert.Equal(0, Engine.LogReadersOpen);

        // Fewer lines than asked for: the download is what the engine kept, and ends without following.
        var (_, all) = await DownloadAsync(Ada, app.Id, tail: 100);
        Assert.Equal(4, all.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(0, Engine.LogReadersOpen);

        var (outsider, _) = await DownloadAsync(Store.AddUser("eve"), app.Id, tail: 3);
        Assert.Equal(StatusCodes.Status404NotFound, outsider);
    }

    private IRenderedComponent<ContainerLogView> RenderView(Application app, int? tail = null) =>
        Render<ContainerLogView>(p => p.Add(c => c.ApplicationId, app.Id).Add(c => c.Tail, tail));

    private static string[] Lines(IRenderedComponent<ContainerLogView> view) =>
        [.. view.FindAll("[data-testid=log-line] .gf-log-text").Select(l => l.TextContent)];

    private void Log(ContainerSnapshot container, params string[] lines)
    {
        foreach (var line in lines)
        {
            Engine.WriteLog(container.Id, new ContainerLogLine(NextTime(), LogOutput.Stdout, line));
        }
    }

    // Engine timestamps only go forward, as the engine's do; a restarted log resumes after the last one seen.
    private DateTimeOffset NextTime() => _lastLine = _lastLine.AddMilliseconds(10);

    private async Task<(int Status, string Text)> DownloadAsync(User user, Guid applicationId, int tail)
    {
        var context = new DefaultHttpContext
        {
            User = GoForgeClaims.CreatePrincipal(user, Guid.NewGuid()),
            RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider(),
        };
        using var body = new MemoryStream();
        context.Response.Body = body;

        var result = await ContainerLogEndpoints.DownloadAsync(applicationId, tail, context, Services.GetRequiredService<MonitoringService>());
        await ((IResult)result.Result).ExecuteAsync(context);

        return (context.Response.StatusCode, Encoding.UTF8.GetString(body.ToArray()));
    }
}
