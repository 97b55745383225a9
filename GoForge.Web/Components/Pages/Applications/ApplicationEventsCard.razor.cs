using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Reconciliation;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Applications;

public sealed partial class ApplicationEventsCard
{
    [Inject]
    public required ApplicationEvents Events { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    /// <summary>The application whose events are listed. Required.</summary>
    [Parameter, EditorRequired]
    public Guid ApplicationId { get; set; }

    private IReadOnlyList<AuditEvent>? _events;
    private Error? _error;
    private Guid _loaded;

    protected override async Task OnParametersSetAsync()
    {
        if (_loaded == ApplicationId)
        {
            return;
        }

        _loaded = ApplicationId;
        var result = await Events.ListAsync(await CurrentUser.GetActorAsync(), ApplicationId);
        (_events, _error) = (result.Value, result.Error);
    }
}
