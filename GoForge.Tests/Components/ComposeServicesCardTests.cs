using Bunit;
using GoForge.Core.Compose;
using GoForge.Core.Monitoring;
using GoForge.Core.Projects;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Applications;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Components;

/// <summary>
/// A compose application's Overview: its running set's services, each with its container's state and figures pushed by
/// the real MonitoringService and tracker (over a FakeEngine), and the picked service's charts and log.
/// </summary>
public sealed class ComposeServicesCardTests : MonitoringUiTest
{
    [Fact]
    public async Task Each_service_shows_its_state_and_pushed_stats_and_a_service_that_starts_turns_running_without_a_reload()
    {
        this.SignIn(Ada);
        var app = await StartComposeAsync();
        var web = await PutAsync(Service(app, "web", "c-web"));
        var worker = await PutAsync(Service(app, "worker", "c-worker") with { State = ContainerRunState.Exited, ExitCode = 1 }, "die");

        var card = Render<ComposeServicesCard>(p => p.Add(c => c.ApplicationId, app.Id));

        card.WaitForAssertion(() => Assert.Equal(["web", "worker"], card.FindAll("[data-testid=compose-service]").Select(r => r.GetAttribute("data-service"))), WaitTimeout);
        card.WaitForAssertion(() => Assert.Equal(["Running", "Exited with code 1"], Chips(card)), WaitTimeout);
        Assert.Equal(["Running", "Running"], card.FindAll("[data-testid=compose-service-deploy-state]").Select(c => c.TextContent.Trim()));
        Assert.Equal("goforge/shop-web:1", card.Find("[data-service=web] [data-testid=compose-service-image]").TextContent);

        Engine.WriteStats(web.Id, FakeEngine.Reading(DateTimeOffset.UtcNow, cpuPercentOfOneCore: 50, memoryMb: 100));
        Engine.WriteStats(web.Id, FakeEngine.Reading(DateTimeOffset.UtcNow.AddSeconds(1), cpuPercentOfOneCore: 50, memoryMb: 100));
        card.WaitForAssertion(() => Assert.NotEqual("—", card.Find("[data-service=web] [data-testid=compose-service-cpu]").TextContent), WaitTimeout);

        await PutAsync(worker with { State = ContainerRunState.Running, ExitCode = 0, StartedAt = DateTimeOffset.UtcNow }, "start");

        card.WaitForAssertion(() => Assert.Equal(["Running", "Running"], Chips(card)), WaitTimeout);
    }

    [Fact]
    public async Task The_first_service_is_shown_below_and_picking_another_shows_its_runtime_and_log()
    {
        this.SignIn(Ada);
        var app = await StartComposeAsync();
        await PutAsync(Service(app, "web", "c-web"));
        var worker = await PutAsync(Service(app, "worker", "c-worker"));
        Engine.WriteLog(worker.Id, new ContainerLogLine(DateTimeOffset.UtcNow.AddSeconds(-1), LogOutput.Stdout, "worker tick"));
        var card = Render<ComposeServicesCard>(p => p.Add(c => c.ApplicationId, app.Id));
        card.WaitForAssertion(() => Assert.Contains("web", card.Find("[data-testid=compose-selected]").TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.Equal("true", card.Find("[data-service=web] [data-testid=compose-service-select]").GetAttribute("aria-pressed"));

        card.Find("[data-service=worker] [data-testid=compose-service-select]").Click();

        card.WaitForAssertion(() => Assert.Contains("worker", card.Find("[data-testid=compose-selected]").TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.Equal("true", card.Find("[data-service=worker] [data-testid=compose-service-select]").GetAttribute("aria-pressed"));
        card.WaitForAssertion(() => Assert.Contains("worker tick", card.Find("[data-testid=log-line]").TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.Equal($"/applications/{app.Id}/logs/download?service=worker", card.Find("[data-testid=log-download]").GetAttribute("href"));
    }

    [Fact]
    public async Task An_application_with_no_running_set_says_so()
    {
        this.SignIn(Ada);
        await StartComposeAsync();
        var (_, production) = await Services.CreateProjectAsync(Owner, "Idle");
        var idle = await Services.CreateApplicationAsync(Owner, production.Id, "idle");

        var none = Render<ComposeServicesCard>(p => p.Add(c => c.ApplicationId, idle.Id));

        none.WaitForElement("[data-testid=compose-none]", WaitTimeout);
        Assert.Empty(none.FindAll("[data-testid=compose-service]"));
    }

    [Fact]
    public async Task An_outsider_gets_not_found_and_no_service()
    {
        this.SignIn(Store.AddUser("eve"));
        var app = await StartComposeAsync();
        await PutAsync(Service(app, "web", "c-web"));

        var refused = Render<ComposeServicesCard>(p => p.Add(c => c.ApplicationId, app.Id));

        refused.WaitForAssertion(() => Assert.Contains("No such application", refused.Find("[data-testid=compose-error]").TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.Empty(refused.FindAll("[data-testid=compose-service]"));
    }

    /// <summary>Ada's application "api" made a compose one, with a running set of web (routed) and worker.</summary>
    private async Task<Application> StartComposeAsync()
    {
        var app = await StartAsync();
        var compose = app with { Source = ApplicationSourceKind.Compose, ComposePath = "compose.yaml" };
        lock (Store.Gate)
        {
            Store.ApplicationList[Store.ApplicationList.FindIndex(a => a.Id == app.Id)] = compose;
        }

        Services.GetRequiredService<InMemoryComposeServiceHistory>().PutRunning(app.Id, new ComposeServiceSet(Guid.NewGuid(),
        [
            new ComposeServiceRecord("web", 0, "goforge/shop-web:1", "c-web", Routed: true, ComposeServiceState.Running),
            new ComposeServiceRecord("worker", 1, "goforge/shop-worker:1", "c-worker", Routed: false, ComposeServiceState.Running),
        ]));
        return compose;
    }

    private ContainerSnapshot Service(Application app, string service, string id)
    {
        var container = Running(app, id);
        return container with { Labels = new Dictionary<string, string>(container.Labels) { [GoForge.Core.Containers.GoForgeLabels.ComposeService] = service } };
    }

    private static string[] Chips(IRenderedComponent<ComposeServicesCard> card) =>
        [.. card.FindAll("[data-testid=compose-service] [data-testid=runtime-state]").Select(c => c.TextContent.Trim())];
}
