using GoForge.Core.Catalog;
using GoForge.Core.Common;
using GoForge.Core.Common.Live;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Services;
using GoForge.Web.Auth;
using GoForge.Web.Components.Pages.Applications;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Services;

/// <summary>
/// One service: its recorded state and reason (live through <see cref="ChangeFeed{TChange}"/>, subscribed after the first
/// render), connection details, the shared runtime and log components, and the maintainer's actions. An action
/// runs in Core, which records each step; the page shows the outcome and the reason when it failed.
/// </summary>
public sealed partial class ServicePage : TrailPage
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private ServiceInstance? _service;
    private ServiceTemplate? _template;
    private IDisposable? _feed;
    private RenderThrottle? _throttle;
    private ImagePullTally? _pull;
    private string? _running;
    private bool _disposed;

    [Inject]
    public required ServiceInstanceService Services { get; init; }

    [Inject]
    public required CatalogService Catalog { get; init; }

    [Inject]
    public required ChangeFeed<ServiceChange> Feed { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    /// <summary>The service's id, from the route.</summary>
    [Parameter]
    public Guid ServiceId { get; set; }

    private bool CanManage => Trail?.Role.Allows(ProjectAction.Manage) == true;

    private bool Busy => _running is not null || (_service is { } s && ServiceWording.IsInProgress(s.State));

    protected override void OnInitialized() =>
        _throttle = new RenderThrottle(() => InvokeAsync(StateHasChanged), Time, ProgressInterval);

    protected override Guid PageKey => ServiceId;

    protected override async Task<Result> LoadAsync(Actor actor)
    {
        (_service, _template) = (null, null);
        var service = await Services.GetAsync(actor, ServiceId);
        if (!service.IsSuccess)
        {
            return service.Error!;
        }

        var trail = await LoadTrailAsync(service.Value.EnvironmentId);
        var template = await Catalog.GetAsync(service.Value.TemplateId);
        (_service, _template) = (service.Value, template.Value);
        return trail;
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (_service is { } service && _feed is null && !_disposed)
        {
            _feed = Feed.Subscribe(service.EnvironmentId, OnChange);
        }
    }

    // On the acting thread: take the newest record and ask for a render.
    private void OnChange(ServiceChange change)
    {
        if (change.Instance.Id != ServiceId)
        {
            return;
        }

        lock (_gate)
        {
            if (!change.Deleted && (_service is null || change.Instance.UpdatedAt >= _service.UpdatedAt))
            {
                _service = change.Instance;
            }
        }

        _throttle?.Request();
    }

    private Task StartAsync() => RunAsync("Starting", actor => Services.StartAsync(actor, ServiceId), "is running");

    private Task StopAsync() => RunAsync("Stopping", actor => Services.StopAsync(actor, ServiceId), "is stopped");

    private Task RestartAsync() => RunAsync("Restarting", actor => Services.RestartAsync(actor, ServiceId), "is running again");

    private async Task ChangeVersionAsync()
    {
        if (_service is null || _template is null)
        {
            return;
        }

        var parameters = new DialogParameters<ChangeVersionDialog> { { d => d.Template, _template }, { d => d.Current, _service.Version } };
        var dialog = await Dialogs.ShowAsync<ChangeVersionDialog>($"Change the version of {_service.Name}", parameters);
        if (await dialog.Result is not { Canceled: false, Data: string version })
        {
            return;
        }

        _pull = new ImagePullTally();
        var progress = new PullProgressRelay(_pull, _gate, () => _throttle?.Request());
        await RunAsync($"Changing to {version}", actor => Services.ChangeVersionAsync(actor, ServiceId, version, progress), $"runs {version}");
        _pull = null;
    }

    private async Task LinkAsync()
    {
        if (_service is null || _template is null)
        {
            return;
        }

        var parameters = new DialogParameters<LinkServiceDialog> { { d => d.Service, _service }, { d => d.Template, _template } };
        var dialog = await Dialogs.ShowAsync<LinkServiceDialog>($"Link {_service.Name} to an application", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: string done })
        {
            Snackbar.Add(done, Severity.Success);
        }
    }

    private async Task DeleteAsync()
    {
        if (_service is null)
        {
            return;
        }

        var dialog = await Dialogs.ShowAsync<DeleteServiceDialog>($"Delete service {_service.Name}",
            new DialogParameters<DeleteServiceDialog> { { d => d.Service, _service } });
        if (await dialog.Result is not { Canceled: false, Data: bool keepVolumes })
        {
            return;
        }

        _running = "Deleting";
        var deleted = await Services.DeleteAsync(await CurrentUser.GetActorAsync(), ServiceId, keepVolumes);
        _running = null;
        if (deleted.Error is { } error)
        {
            Snackbar.Add(error.Message, Severity.Error);
            return;
        }

        Snackbar.Add(keepVolumes ? $"Deleted {_service.Name}; its volumes are kept." : $"Deleted {_service.Name} and its volumes.", Severity.Success);
        Navigation.NavigateTo(Trail?.EnvironmentHref ?? "/projects");
    }

    private async Task RunAsync(string what, Func<GoForge.Core.Identity.Actor, Task<Result<ServiceInstance>>> action, string success)
    {
        _running = what;
        var result = await action(await CurrentUser.GetActorAsync());
        _running = null;
        if (result.Error is { } error)
        {
            Snackbar.Add(error.Message, Severity.Error);
            return;
        }

        lock (_gate)
        {
            _service = result.Value;
        }

        if (result.Value!.State == ServiceState.Failed)
        {
            Snackbar.Add($"{result.Value.Name} failed: {result.Value.Reason}", Severity.Error);
        }
        else
        {
            Snackbar.Add($"{result.Value.Name} {success}.", Severity.Success);
        }
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _feed?.Dispose();
        _throttle?.Dispose();
        base.Dispose(disposing);
    }
}
