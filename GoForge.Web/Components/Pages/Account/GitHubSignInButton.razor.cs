using GoForge.Core.Identity.GitHub;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Account;

public sealed partial class GitHubSignInButton
{
    [Inject]
    public required GitHubSettingsProvider Settings { get; init; }

    /// <summary>Where to go after signing in (already checked to be local). Default "/".</summary>
    [Parameter]
    public string ReturnUrl { get; set; } = "/";

    /// <summary>The invitation token the sign-in spends, from <c>/invite/{token}</c>. Default null (none).</summary>
    [Parameter]
    public string? Invitation { get; set; }

    /// <summary>The button's text. Default "Sign in with GitHub".</summary>
    [Parameter]
    public string Label { get; set; } = "Sign in with GitHub";

    private bool _active;

    protected override async Task OnInitializedAsync() => _active = (await Settings.GetAsync()).IsActive;
}
