using GoForge.Core.Catalog;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using GoForge.Web.Components.Pages.Applications;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Services;

/// <summary>
/// The catalog for one environment: search and category filter (both answered by <see cref="CatalogService"/>), a
/// card per template, and the create dialog; a created service opens its page.
/// </summary>
public sealed partial class ServiceCatalogPage : TrailPage
{
    private const string All = "all";

    [Inject]
    public required CatalogService Catalog { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    /// <summary>The environment services are added to, from the route.</summary>
    [Parameter]
    public Guid EnvironmentId { get; set; }

    private IReadOnlyList<ServiceTemplate>? _templates;
    private string? _search;
    private string _category = All;
    private bool _canCreate;

    protected override Guid PageKey => EnvironmentId;

    protected override async Task<Result> LoadAsync(Actor actor)
    {
        var trail = await LoadTrailAsync(EnvironmentId);
        _canCreate = Trail?.Role.Allows(ProjectAction.Manage) == true;
        if (trail.IsSuccess)
        {
            await LoadAsync();
        }

        return trail;
    }

    private Task SearchAsync(string? search)
    {
        _search = search;
        return LoadAsync();
    }

    private Task FilterAsync(string? category)
    {
        _category = category ?? All;
        return LoadAsync();
    }

    private async Task LoadAsync()
    {
        ServiceCategory? category = Enum.TryParse<ServiceCategory>(_category, out var parsed) ? parsed : null;
        _templates = await Catalog.ListAsync(_search, category);
    }

    private async Task PickAsync(ServiceTemplate template)
    {
        var parameters = new DialogParameters<CreateServiceDialog>
        {
            { d => d.EnvironmentId, EnvironmentId },
            { d => d.TemplateId, template.Id },
        };
        var options = new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false };
        var dialog = await Dialogs.ShowAsync<CreateServiceDialog>($"Add {template.Name}", parameters, options);
        if (await dialog.Result is { Canceled: false, Data: Guid serviceId })
        {
            Navigation.NavigateTo($"/services/{serviceId}");
        }
    }
}
