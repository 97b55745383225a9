using GoForge.Core.Identity.GitHub;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Account;

public sealed partial class Invite
{
    [Inject]
    public required InvitationService Invitations { get; init; }

    [Inject]
    public required GitHubSettingsProvider Settings { get; init; }

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    /// <summary>The invitation token from the link. Set by the router.</summary>
    [Parameter]
    public string Token { get; set; } = string.Empty;

    private InvitationPreview? _preview;
    private bool _gitHubActive;
    private string? _error;

    protected override async Task OnInitializedAsync()
    {
        var preview = await Invitations.PreviewAsync(Token, HttpContext.RequestAborted);
        _gitHubActive = (await Settings.GetAsync(HttpContext.RequestAborted)).IsActive;
        if (preview.IsSuccess)
        {
            _preview = preview.Value;
            return;
        }

        // As the setup link does: 403, with the page (a 404 would be replaced by the not-found page).
        _error = preview.Error.Message;
        HttpContext.Response.StatusCode = StatusCodes.Status403Forbidden;
    }
}
