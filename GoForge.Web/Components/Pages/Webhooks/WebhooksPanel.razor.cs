using GoForge.Core.Common;
using GoForge.Core.Common.Live;
using GoForge.Core.GitProviders;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Webhooks;

/// <summary>
/// Reads the webhook overview once, then again whenever the feed says a delivery of this application was stored or
/// changed. The pushed delivery only says "something changed": the list is read again, with the viewer's access
/// checked, because the database is the truth (a redelivery updates a row the push may not name exactly).
/// Give it <c>@key</c> of the application: it watches the application it started with.
/// </summary>
public sealed partial class WebhooksPanel : ComponentBase, IDisposable
{
    public WebhooksPanel() => _refresh = new SerialRefresh(ReloadAsync);

    [Inject]
    public required WebhookService Webhooks { get; init; }

    [Inject]
    public required ChangeFeed<WebhookDelivery> Feed { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    /// <summary>The application whose webhooks are shown. Required.</summary>
    [Parameter, EditorRequired]
    public Application Application { get; set; } = default!;

    /// <summary>Whether the viewer may reveal and replace the secret (maintainers; the service checks again). Default false.</summary>
    [Parameter]
    public bool CanManage { get; set; }

    private readonly SerialRefresh _refresh;
    private WebhookOverview? _overview;
    private Error? _error;
    private IDisposable? _subscription;
    private Actor? _actor;

    protected override async Task OnInitializedAsync()
    {
        _actor = await CurrentUser.GetActorAsync();

        // Watch first, then read: a delivery stored in between is not missed.
        _subscription = Feed.Subscribe(Application.Id, OnDelivery);
        await _refresh.RunAsync();
    }

    // Runs on the receiver's thread: hand off to the circuit at once and never block the delivery.
    private void OnDelivery(WebhookDelivery delivery) => _ = InvokeAsync(RefreshAsync);

    private async Task RefreshAsync()
    {
        try
        {
            await _refresh.RunAsync(); // a burst of deliveries costs at most one more read
            StateHasChanged();
        }
        catch (Exception e)
        {
            await DispatchExceptionAsync(e);
        }
    }

    private async Task ReloadAsync()
    {
        var result = await Webhooks.GetAsync(_actor!, Application.Id);
        (_overview, _error) = (result.Value, result.Error);
    }

    public void Dispose() => _subscription?.Dispose();
}
