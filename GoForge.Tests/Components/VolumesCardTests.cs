using Bunit;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Volumes;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Applications;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace GoForge.Tests.Components;

/// <summary>The application page's Volumes tab: add with field errors from Core, delete only after the name is typed, the admin-only switch.</summary>
public sealed class VolumesCardTests : GoForgeTestContext
{
    private readonly InMemoryProjectStore _store;

    public VolumesCardTests() => _store = Services.AddInMemoryProjects();

    [Fact]
    public async Task A_maintainer_adds_a_volume_sees_a_refused_path_under_its_field_and_a_delete_asks_for_the_typed_name()
    {
        var ada = this.SignIn(_store.AddUser("ada"));
        var app = await SeedApplicationAsync(ada);
        var dialogs = Render<MudDialogProvider>();
        var snackbars = Render<MudSnackbarProvider>();
        var card = Render<VolumesCard>(p => p.Add(c => c.ApplicationId, app.Id).Add(c => c.CanManage, true));

        card.Fill("volume-name", "data");
        card.Fill("volume-mount-path", "/proc/data");
        card.Find("[data-testid=add-volume-form]").Submit();
        card.WaitForAssertion(() => Assert.True(card.ShowsError("volume-mount-path")), WaitTimeout);
        card.Fill("volume-mount-path", "/app/data/");
        card.Find("[data-testid=add-volume-form]").Submit();
        card.WaitForAssertion(() => Assert.Contains("/app/data", card.Find("[data-testid=volume-row]").TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.Contains("not created yet", card.Find("[data-testid=volume-row]").TextContent, StringComparison.Ordinal);
        Assert.Empty(card.FindAll("[data-testid=allow-bind-mounts]"));

        card.Find("[data-testid=delete-volume]").Click();
        Assert.True(dialogs.WaitForElement("[data-testid=confirm-delete]", WaitTimeout).HasAttribute("disabled"));
        dialogs.Fill("confirm-delete-name", "dat");
        Assert.True(dialogs.Find("[data-testid=confirm-delete]").HasAttribute("disabled"));
        dialogs.Fill("confirm-delete-name", "data");
        dialogs.WaitForElement("[data-testid=confirm-delete]:not([disabled])", WaitTimeout).Click();

        // This test has no engine: the volume's labels cannot be checked, so Core refuses and nothing is deleted.
        snackbars.WaitForAssertion(() => Assert.Contains("could not be removed", snackbars.Markup, StringComparison.Ordinal), WaitTimeout);
        Assert.Single(await Services.GetRequiredService<IAppVolumeRepository>().ListAsync(app.Id));
        Assert.Single(card.FindAll("[data-testid=volume-row]"));
    }

    [Fact]
    public async Task An_administrator_sees_the_bind_mount_switch_and_turning_it_on_shows_the_host_folder_field()
    {
        var admin = this.SignIn(_store.AddUser("root", UserRole.Admin));
        var app = await SeedApplicationAsync(admin);
        var card = Render<VolumesCard>(p => p.Add(c => c.ApplicationId, app.Id).Add(c => c.CanManage, true));
        Assert.Empty(card.WaitForElement("[data-testid=add-volume-form]", WaitTimeout).QuerySelectorAll("[data-testid=volume-host-path]"));

        card.Find("[data-testid=allow-bind-mounts]").Change(true);

        card.WaitForElement("[data-testid=volume-host-path]", WaitTimeout);
        Assert.True(await Services.GetRequiredService<IAppVolumeRepository>().BindMountsAllowedAsync(app.Id));
    }

    private async Task<Application> SeedApplicationAsync(Actor owner)
    {
        var (_, production) = await Services.CreateProjectAsync(owner, "Shop");
        return await Services.CreateApplicationAsync(owner, production.Id, "api");
    }
}
