using GoForge.Core.Identity.TwoFactor;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Account.TwoFactor;

/// <summary>Asks for a current code and records it on the session (<see cref="RecentSecondFactor.ReverifyAsync"/>).</summary>
public sealed partial class ReverifySecondFactor
{
    [Inject]
    public required RecentSecondFactor Recent { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    /// <summary>Raised once the code passed, so the caller retries what needed it. Default none.</summary>
    [Parameter]
    public EventCallback Verified { get; set; }

    private string? _code;
    private string? _error;
    private bool _busy;

    private async Task VerifyAsync()
    {
        _busy = true;
        var result = await Recent.ReverifyAsync(await CurrentUser.GetActorAsync(), _code);
        _busy = false;
        if (!result.IsSuccess)
        {
            _error = PendingSignInCookie.MessageOf(result.Error!);
            return;
        }

        _error = null;
        _code = null;
        await Verified.InvokeAsync();
    }
}
