using GoForge.Core.Projects;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Settings;

public sealed partial class DomainsCard
{
    [Inject]
    public required DomainRules Domains { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    private DomainsOverview? _overview;

    protected override async Task OnInitializedAsync()
    {
        var result = await Domains.ListAsync(await CurrentUser.GetActorAsync());
        _overview = result.IsSuccess ? result.Value : new DomainsOverview([], []);
        if (!result.IsSuccess)
        {
            Snackbar.Add(result.Error.Message, Severity.Error);
        }
    }
}
