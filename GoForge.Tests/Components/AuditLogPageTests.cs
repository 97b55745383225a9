using Bunit;
using GoForge.Core.Auditing;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Support;
using GoForge.Web.Components.Layout;
using GoForge.Web.Components.Pages.Audit;
using Microsoft.AspNetCore.Components;

namespace GoForge.Tests.Components;

/// <summary>The audit log page over the real <c>AuditLogService</c>: what a maintainer and an outsider see, filtering, Load more and the export link.</summary>
public sealed class AuditLogPageTests : GoForgeTestContext
{
    private readonly InMemoryProjectStore _store;

    public AuditLogPageTests() => _store = Services.AddInMemoryProjects();

    private Actor SignIn(string login, UserRole role = UserRole.Member)
    {
        var actor = this.SignIn(_store.AddUser(login, role));
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return actor;
    }

    [Fact]
    public async Task A_maintainer_sees_their_projects_events_filters_them_loads_more_and_the_export_link_carries_the_filters()
    {
        var me = SignIn("maintainer");
        var project = (await Services.GetService<ProjectService>()!.CreateAsync(me, new ProjectInput("Shop", null))).Value!;
        lock (_store.Gate)
        {
            _store.AuditList.Clear();
            for (var i = 1; i <= 60; i++)
            {
                _store.AuditList.Add(new AuditEvent { Id = i, OccurredAt = DateTimeOffset.UtcNow, ActorUserId = me.UserId, Action = i % 2 == 0 ? "variables.set" : "deployment.queued", Target = $"application:web{i}", ProjectId = project.Id });
            }

            _store.AuditList.Add(new AuditEvent { Id = 61, OccurredAt = DateTimeOffset.UtcNow, Action = "user.signed_in", Target = "user:root" });
        }

        var page = Render<AuditLog>();
        page.WaitForAssertion(() => Assert.Equal(50, page.FindAll("[data-testid=audit-table] tbody tr").Count), WaitTimeout);
        Assert.DoesNotContain("user.signed_in", page.Markup, StringComparison.Ordinal);
        Assert.Contains("Shop", page.Markup, StringComparison.Ordinal);

        page.Find("[data-testid=audit-more]").Click();
        page.WaitForAssertion(() => Assert.Equal(60, page.FindAll("[data-testid=audit-table] tbody tr").Count), WaitTimeout);
        Assert.Empty(page.FindAll("[data-testid=audit-more]"));

        page.Find("#audit-action").Change("variables.");
        page.Find("[data-testid=audit-filters]").Submit();
        page.WaitForAssertion(() => Assert.Equal(30, page.FindAll("[data-testid=audit-table] tbody tr").Count), WaitTimeout);
        Assert.Equal("/audit/export.csv?action=variables.", page.Find("[data-testid=audit-export]").GetAttribute("href"));
    }

    [Fact]
    public void Someone_who_maintains_nothing_is_told_so_and_has_no_menu_entry()
    {
        SignIn("bystander");

        var page = Render<AuditLog>();
        var menu = Render<NavMenu>();

        page.WaitForElement("[data-testid=audit-not-found]", WaitTimeout);
        Assert.Empty(page.FindAll("[data-testid=audit-table]"));
        Assert.Empty(menu.FindAll("a[href='/audit']"));
    }

    [Fact]
    public void An_administrator_has_the_menu_entry()
    {
        SignIn("root", UserRole.Admin);

        var menu = Render<NavMenu>();

        menu.WaitForAssertion(() => Assert.Single(menu.FindAll("a[href='/audit']")), WaitTimeout);
    }
}
