using GoForge.Core.Identity;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Layout;

public sealed partial class MainLayout
{
    [Inject]
    public required AccountService Account { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    private MudThemeProvider? _themeProvider;
    private ElementReference _main;
    private bool _drawerOpen = true;
    private bool _isDarkMode;
    private ThemePreference _preference;

    /// <summary>
    /// The preference read while prerendering, handed to the live circuit so its first render already has the right
    /// palette (reading the profile again there would render light first, then flash to dark).
    /// </summary>
    [PersistentState]
    public ThemePreference? PrerenderedPreference { get; set; }

    protected override async Task OnInitializedAsync()
    {
        if (PrerenderedPreference is { } known)
        {
            Apply(known);
            return;
        }

        var actor = (await CurrentUser.GetPrincipalAsync()).ToActor();
        if (actor is null)
        {
            return;
        }

        var profile = await Account.GetProfileAsync(actor);
        Apply(profile.IsSuccess ? profile.Value.Theme : ThemePreference.System);
        PrerenderedPreference = _preference;
    }

    private void Apply(ThemePreference preference)
    {
        _preference = preference;
        _isDarkMode = preference == ThemePreference.Dark;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // "System" follows the browser, which is only known once the page is interactive.
        if (firstRender && _preference == ThemePreference.System && _themeProvider is not null)
        {
            _isDarkMode = await _themeProvider.GetSystemDarkModeAsync();
            StateHasChanged();
        }
    }

    // A plain #fragment would resolve against <base href="/"> and leave the page, so the link moves focus itself.
    private async Task SkipToContentAsync() => await _main.FocusAsync();

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;

    private async Task ToggleThemeAsync()
    {
        _isDarkMode = !_isDarkMode;
        _preference = _isDarkMode ? ThemePreference.Dark : ThemePreference.Light;
        await Account.SetThemeAsync(await CurrentUser.GetActorAsync(), _preference);
    }
}
