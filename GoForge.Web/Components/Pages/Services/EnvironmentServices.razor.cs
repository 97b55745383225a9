using GoForge.Core.Catalog;
using GoForge.Core.Common.Live;
using GoForge.Core.Services;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Services;

/// <summary>
/// The services of one environment; states move live through <see cref="ChangeFeed{TChange}"/> (subscribed after the first
/// render, released on dispose). Give it an <c>@key</c> of the environment id.
/// </summary>
public sealed partial class EnvironmentServices : IDisposable
{
    private readonly Lock _gate = new();
    private List<ServiceInstance>? _services;
    private Dictionary<string, ServiceTemplate> _templates = new(StringComparer.Ordinal);
    private IDisposable? _feed;
    private RenderThrottle? _throttle;
    private bool _disposed;

    [Inject]
    public required ServiceInstanceService Services { get; init; }

    [Inject]
    public required CatalogService Catalog { get; init; }

    [Inject]
    public required ChangeFeed<ServiceChange> Feed { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    /// <summary>The environment whose services are listed. Required.</summary>
    [Parameter, EditorRequired]
    public Guid EnvironmentId { get; set; }

    /// <summary>Its name, for the heading. Required.</summary>
    [Parameter, EditorRequired]
    public string EnvironmentName { get; set; } = string.Empty;

    /// <summary>Whether the viewer may add services. Default false.</summary>
    [Parameter]
    public bool CanManage { get; set; }

    private string CatalogHref => $"/environments/{EnvironmentId}/services/new";

    protected override async Task OnInitializedAsync()
    {
        _throttle = new RenderThrottle(() => InvokeAsync(StateHasChanged), Time, RenderThrottle.DefaultInterval);
        _templates = (await Catalog.ListAsync()).ToDictionary(t => t.Id, StringComparer.Ordinal);
        var listed = await Services.ListAsync(await CurrentUser.GetActorAsync(), EnvironmentId);
        _services = listed.IsSuccess ? [.. listed.Value.OrderBy(s => s.Name, StringComparer.CurrentCultureIgnoreCase)] : [];
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && !_disposed)
        {
            _feed = Feed.Subscribe(EnvironmentId, OnChange);
        }
    }

    private void OnChange(ServiceChange change)
    {
        lock (_gate)
        {
            if (_services is null)
            {
                return;
            }

            var list = new List<ServiceInstance>(_services);
            list.RemoveAll(s => s.Id == change.Instance.Id);
            if (!change.Deleted)
            {
                list.Add(change.Instance);
            }

            _services = [.. list.OrderBy(s => s.Name, StringComparer.CurrentCultureIgnoreCase)];
        }

        _throttle?.Request();
    }

    public void Dispose()
    {
        _disposed = true;
        _feed?.Dispose();
        _throttle?.Dispose();
    }
}
