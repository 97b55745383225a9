using GoForge.Core.Common;
using GoForge.Core.Monitoring;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Servers;

public sealed partial class DockerPruneDialog
{
    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    /// <summary>What to prune. Default <see cref="PruneKind.DanglingImages"/>.</summary>
    [Parameter]
    public PruneKind Kind { get; set; }

    [Inject]
    public required DockerAdminService Docker { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    // The plan on screen and the scope it was made for: "Remove" sends exactly this pair, never a list from another scope.
    private IReadOnlyList<PruneCandidate>? _plan;
    private bool _planEverything;
    private bool _everything;
    private int _planRequest;
    private Error? _error;
    private bool _busy;

    private long PlannedBytes => _plan?.Sum(c => c.SizeBytes) ?? 0;

    private bool CanRemove => !_busy && _plan is { Count: > 0 } && _planEverything == _everything;

    protected override Task OnInitializedAsync() => PlanAsync();

    private async Task ChooseScopeAsync(bool everything)
    {
        _everything = everything;
        await PlanAsync();
    }

    private async Task PlanAsync()
    {
        var request = ++_planRequest;
        var everything = _everything;
        _plan = null;
        _error = null;
        var planned = await Docker.PlanPruneAsync(await CurrentUser.GetActorAsync(), Kind, everything);

        // A newer plan was asked for while this one ran (the switch flipped again): that one decides.
        if (request != _planRequest)
        {
            return;
        }

        _error = planned.Error;
        _plan = planned.IsSuccess ? planned.Value : [];
        _planEverything = everything;
    }

    private async Task RemoveAsync()
    {
        if (!CanRemove || _plan is not { } confirmed)
        {
            return;
        }

        _busy = true;
        _error = null;
        var outcome = await Docker.PruneAsync(await CurrentUser.GetActorAsync(), Kind, _planEverything, confirmed);
        _busy = false;
        if (outcome.IsSuccess)
        {
            Dialog.Close(DialogResult.Ok(outcome.Value));
            return;
        }

        _error = outcome.Error;
    }
}
