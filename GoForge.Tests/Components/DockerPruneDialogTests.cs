using AngleSharp.Dom;
using Bunit;
using GoForge.Core.Containers;
using GoForge.Core.Identity;
using GoForge.Core.Monitoring;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Servers;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Tests.Components;

/// <summary>The two-step prune, opened from the Docker page: plan, then remove exactly the plan; "all" only when chosen.</summary>
public sealed class DockerPruneDialogTests : GoForgeTestContext
{
    private readonly LiveMonitoring _monitoring;
    private readonly IRenderedComponent<MudDialogProvider> _dialogs;
    private readonly IRenderedComponent<MudSnackbarProvider> _snackbars;
    private readonly IRenderedComponent<Servers> _page;

    public DockerPruneDialogTests()
    {
        var store = Services.AddInMemoryProjects();
        _monitoring = LiveMonitoring.AddTo(Services, TimeProvider.System);
        Services.AddUnreachableSwarm();
        this.SignIn(store.AddUser("ada", UserRole.Admin));
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        _dialogs = Render<MudDialogProvider>();
        _snackbars = Render<MudSnackbarProvider>();
        _page = Render<Servers>();
    }

    private RecordingMaintenance Maintenance => _monitoring.Maintenance;

    protected override Task InitializeAsync() => _monitoring.StartAsync();

    protected override ValueTask DisposeResourcesAsync() => _monitoring.DisposeAsync();

    [Fact]
    public void The_plan_lists_goforges_items_with_sizes_and_remove_sends_exactly_that_list()
    {
        Open(PruneKind.DanglingImages);

        var rows = PlanRows();
        Assert.Equal(
            [("goforge/shop-api, untagged by deployment 41", "200 MB"), ("goforge/shop-web, untagged by deployment 12", "100 MB")],
            rows.Select(r => (r.QuerySelectorAll("td")[0].TextContent.Trim(), r.QuerySelectorAll("td")[2].TextContent.Trim())));
        Assert.Contains("2 items would go, 300 MB in all.", _dialogs.Find("[data-testid=prune-summary]").TextContent, StringComparison.Ordinal);
        Assert.Empty(_dialogs.FindAll("[data-testid=prune-everything-warning]"));
        Assert.Empty(Maintenance.Prunes);

        Confirm("Remove 2 items");

        var prune = Assert.Single(Maintenance.Prunes);
        Assert.Equal((PruneKind.DanglingImages, false), (prune.Kind, prune.Everything));
        Assert.Equal(rows.Select(r => r.GetAttribute("data-id")), prune.Candidates.Select(c => c.Id));
        Assert.All(prune.Candidates, c => Assert.True(c.Managed));
    }

    [Fact]
    public void Choosing_all_replans_shows_the_warning_and_lists_what_goforge_did_not_create()
    {
        Open(PruneKind.DanglingImages);

        ChooseAll(true);

        _dialogs.WaitForElement("[data-testid=prune-everything-warning]", WaitTimeout);
        _dialogs.WaitForAssertion(() => Assert.Equal(3, PlanRows().Count), WaitTimeout);
        var foreign = Assert.Single(PlanRows(), r => r.GetAttribute("data-managed") == "false");
        Assert.Contains("left by a manual docker build", foreign.TextContent, StringComparison.Ordinal);
        Assert.Contains("not GoForge's", foreign.TextContent, StringComparison.Ordinal);
        Assert.Equal([(PruneKind.DanglingImages, false), (PruneKind.DanglingImages, true)], Maintenance.Plans);

        Confirm("Remove 3 items");

        var prune = Assert.Single(Maintenance.Prunes);
        Assert.True(prune.Everything);
        Assert.Equal(["sha256:d1d1d1d1d1d1d1d1d1d1d1d1", "sha256:d2d2d2d2d2d2d2d2d2d2d2d2", "sha256:e1e1e1e1e1e1e1e1e1e1e1e1"], prune.Candidates.Select(c => c.Id));
    }

    [Fact]
    public void Turning_all_off_again_replans_and_no_candidate_goforge_did_not_create_is_sent()
    {
        Open(PruneKind.StoppedContainers);
        ChooseAll(true);
        _dialogs.WaitForAssertion(() => Assert.Equal(2, PlanRows().Count), WaitTimeout);

        ChooseAll(false);

        _dialogs.WaitForAssertion(() => Assert.Single(PlanRows()), WaitTimeout);
        Assert.Empty(_dialogs.FindAll("[data-testid=prune-everything-warning]"));
        Confirm("Remove 1 item");
        var prune = Assert.Single(Maintenance.Prunes);
        Assert.False(prune.Everything);
        Assert.Equal(["0123456789abcdef0123"], prune.Candidates.Select(c => c.Id));
        Assert.DoesNotContain(Maintenance.Prunes.SelectMany(p => p.Candidates), c => !c.Managed);
    }

    [Fact]
    public void Cancel_removes_nothing_and_leaves_the_page_as_it_was()
    {
        Open(PruneKind.DanglingImages);

        _dialogs.Find("[data-testid=prune-cancel]").Click();

        _dialogs.WaitForAssertion(() => Assert.Empty(_dialogs.FindAll("[data-testid=prune-plan]")), WaitTimeout);
        Assert.Empty(Maintenance.Prunes);
        Assert.Equal(3, Maintenance.CandidatesOf(PruneKind.DanglingImages).Count);
        Assert.Equal(1, Maintenance.DiskUsageCalls);
        Assert.Empty(_snackbars.FindAll(".mud-snackbar"));
    }

    [Fact]
    public void After_a_removal_a_snackbar_reports_the_outcome_and_the_overview_is_read_again()
    {
        Open(PruneKind.DanglingImages);
        Maintenance.Usage = new DiskUsage([new("Images", 3, 2, 1_200_000_000, 300_000_000)]);

        Confirm("Remove 2 items");

        _snackbars.WaitForAssertion(() => Assert.Contains("Removed 2 items, 300 MB reclaimed.", _snackbars.Find(".mud-snackbar").TextContent, StringComparison.Ordinal), WaitTimeout);
        _page.WaitForAssertion(() => Assert.Equal("Images", Assert.Single(_page.FindAll("[data-testid=disk-usage-line]")).GetAttribute("data-kind")), WaitTimeout);
        Assert.Contains("1.2 GB", _page.Find("[data-testid=disk-usage-line]").TextContent, StringComparison.Ordinal);
        Assert.Equal(2, Maintenance.DiskUsageCalls);
    }

    [Fact]
    public void An_empty_plan_offers_nothing_to_remove()
    {
        Open(PruneKind.BuildCache, expectRows: false);

        _dialogs.WaitForElement("[data-testid=prune-nothing]", WaitTimeout);
        Assert.True(_dialogs.Find("[data-testid=prune-confirm]").HasAttribute("disabled"));
        Assert.Empty(Maintenance.Prunes);
    }

    [Fact]
    public void An_engine_that_cannot_be_asked_shows_a_message_in_the_dialog_and_nothing_can_be_removed()
    {
        Maintenance.PlanFailure = new EngineException("Cannot connect to the Docker daemon");

        Open(PruneKind.DanglingImages, expectRows: false);

        var error = _dialogs.WaitForElement("[data-testid=prune-error]", WaitTimeout);
        Assert.Contains("The Docker engine could not be asked: Cannot connect to the Docker daemon", error.TextContent, StringComparison.Ordinal);
        Assert.True(_dialogs.Find("[data-testid=prune-confirm]").HasAttribute("disabled"));
        Assert.Empty(Maintenance.Prunes);
    }

    private void Open(PruneKind kind, bool expectRows = true)
    {
        _page.WaitForElement($"[data-testid=prune-{kind}]:not([disabled])", WaitTimeout).Click();
        if (expectRows)
        {
            _dialogs.WaitForAssertion(() => Assert.NotEmpty(PlanRows()), WaitTimeout);
        }
    }

    private IReadOnlyList<IElement> PlanRows() => _dialogs.FindAll("[data-testid=prune-candidate]");

    private void ChooseAll(bool everything)
    {
        var marked = _dialogs.WaitForElement("[data-testid=prune-everything]", WaitTimeout);
        var input = marked.TagName == "INPUT" ? marked : marked.QuerySelector("input") ?? throw new InvalidOperationException("The switch has no input.");
        input.Change(everything);
    }

    private void Confirm(string label)
    {
        var button = _dialogs.WaitForElement("[data-testid=prune-confirm]:not([disabled])", WaitTimeout);
        Assert.Equal(label, button.TextContent.Trim());
        button.Click();
        _dialogs.WaitForAssertion(() => Assert.Empty(_dialogs.FindAll("[data-testid=prune-plan]")), WaitTimeout);
    }
}
