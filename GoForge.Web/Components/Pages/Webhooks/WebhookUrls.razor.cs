using GoForge.Core.GitProviders;
using GoForge.Web.Hosting;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace GoForge.Web.Components.Pages.Webhooks;

public sealed partial class WebhookUrls
{
    [Inject]
    public required IOptions<GoForgeWebOptions> WebOptions { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    /// <summary>The application the URLs name. Required.</summary>
    [Parameter, EditorRequired]
    public Guid ApplicationId { get; set; }

    /// <summary>The branch whose pushes deploy, for the explanation. Required.</summary>
    [Parameter, EditorRequired]
    public string Branch { get; set; } = string.Empty;

    // The configured public address wins: behind a proxy the browser's address may not be the one Git hosts reach.
    private string UrlOf(WebhookProvider provider) =>
        WebhookWording.Url(WebOptions.Value.PublicUrl ?? new Uri(Navigation.BaseUri), provider, ApplicationId);
}
