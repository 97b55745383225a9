using GoForge.Core.Catalog;
using GoForge.Core.Common;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using GoForge.Web.Components.Pages.Applications;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Services;

/// <summary>
/// The catalog for one environment: search and category filter (both answered by <see cref="CatalogService"/>), a
/// card per template, and the create dialog; a created service opens its page.
/// </summary>
public sealed partial class ServiceCatalogPage
{
    private const string All = "all";

    [Inject]
    public required CatalogService Catalog { get; init; }

    [Inject]
    public required EnvironmentService Environments { get; init; }

    [Inject]
    public required ProjectService Projects { get; init; }

    [Inject]
    public required ProjectAccess Access { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    /// <summary>The environment services are added to, from the route.</summary>
    [Parameter]
    public Guid EnvironmentId { get; set; }

    private IReadOnlyList<ServiceTemplate>? _templates;
    private ProjectTrail? _trail;
    private Error? _loadError;
    private string? _search;
    private string _category = All;
    private bool _canCreate;

    protected override async Task OnParametersSetAsync()
    {
        var trail = await ProjectTrail.LoadAsync(await CurrentUser.GetActorAsync(), EnvironmentId, Environments, Projects, Access);
        (_trail, _loadError) = (trail.Value, trail.Error);
        _canCreate = trail.Value?.Role.Allows(ProjectAction.Manage) == true;
        if (trail.IsSuccess)
        {
            await LoadAsync();
        }
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
