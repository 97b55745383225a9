using GoForge.Core.GitProviders;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Webhooks;

public sealed partial class WebhookDeliveryTable
{
    [Inject]
    public required TimeProvider Time { get; init; }

    /// <summary>The deliveries to list, newest first. Default none.</summary>
    [Parameter]
    public IReadOnlyList<WebhookDelivery> Deliveries { get; set; } = [];

    /// <summary>Whether the application has a secret, to say what to do when nothing arrived yet. Default false.</summary>
    [Parameter]
    public bool HasSecret { get; set; }

    // "4 min ago" is as of this render: pushed deliveries re-render the table, and nothing polls for the clock's sake.
    private DateTimeOffset Now { get; set; }

    protected override void OnParametersSet() => Now = Time.GetUtcNow();
}
