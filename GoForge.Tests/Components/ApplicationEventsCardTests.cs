using Bunit;
using GoForge.Core.Auditing;
using GoForge.Core.Identity;
using GoForge.Core.Reconciliation;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Applications;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Components;

/// <summary>The Overview's Events card: the reconciler's audit events about the application, newest first, for its project's members only.</summary>
public sealed class ApplicationEventsCardTests : GoForgeTestContext
{
    private readonly InMemoryProjectStore _store;
    private readonly Actor _ada;

    public ApplicationEventsCardTests()
    {
        _store = Services.AddInMemoryProjects();
        Services.AddFakeMonitoring(); // the Overview's runtime card watches the (fake) engine
        _ada = this.SignIn(_store.AddUser("ada"));
    }

    [Fact]
    public async Task The_overview_lists_the_applications_events_newest_first_under_an_Events_heading()
    {
        var (_, production) = await Services.CreateProjectAsync(_ada, "Shop");
        var app = await Services.CreateApplicationAsync(_ada, production.Id, "api");
        var other = await Services.CreateApplicationAsync(_ada, production.Id, "worker");
        var audit = Services.GetRequiredService<IAuditLog>();
        await audit.RecordAsync(Event(1, app.Id, "removed container goforge-app-1 left by deployment 1 (failed)"));
        await audit.RecordAsync(Event(2, other.Id, "removed container of another application"));
        await audit.RecordAsync(Event(3, app.Id, "routed api.example to container goforge-app-2 of the running deployment 2 again"));

        var page = Render<ApplicationPage>(p => p.Add(c => c.ApplicationId, app.Id));

        var card = page.WaitForElement("[data-testid=overview-events]", WaitTimeout);
        Assert.Equal("Events", card.QuerySelector("h2")!.TextContent.Trim());
        var items = card.QuerySelectorAll("[data-testid=events-list] li").Select(li => li.TextContent).ToList();
        Assert.Equal(2, items.Count);
        Assert.Contains("routed api.example", items[0], StringComparison.Ordinal);
        Assert.Contains("(failed)", items[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Someone_outside_the_project_is_not_shown_the_applications_events()
    {
        var (_, production) = await Services.CreateProjectAsync(_ada, "Shop");
        var app = await Services.CreateApplicationAsync(_ada, production.Id, "api");
        await Services.GetRequiredService<IAuditLog>().RecordAsync(Event(1, app.Id, "removed container goforge-app-1"));
        var stranger = Actor.From(_store.AddUser("mallory", UserRole.Member));

        var listed = await Services.GetRequiredService<ApplicationEvents>().ListAsync(stranger, app.Id);

        Assert.False(listed.IsSuccess);
        Assert.True((await Services.GetRequiredService<ApplicationEvents>().ListAsync(_ada, app.Id)).IsSuccess);
    }

    private static AuditEvent Event(long id, Guid applicationId, string detail) => new()
    {
        Id = id,
        OccurredAt = DateTimeOffset.UtcNow.AddMinutes(id),
        Action = AuditActions.ReconcilerContainerRemoved,
        Target = ApplicationEvents.Target(applicationId),
        Detail = detail,
    };
}
