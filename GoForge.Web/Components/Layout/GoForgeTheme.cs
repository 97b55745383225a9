using MudBlazor;

namespace GoForge.Web.Components.Layout;

/// <summary>GoForge's look: an indigo brand colour, calm surfaces, and a dark palette tuned for long sessions.</summary>
/// <remarks>
/// Every text colour reaches WCAG AA (4.5:1) on the surfaces it is drawn on, checked by the accessibility browser test
/// (docs/accessibility.md). MudBlazor's default status colours (#f44336, #ff9800, #00c853, #2196f3) do not on white,
/// so the light palette uses the 700 shades; the dark palette keeps light tints and draws dark text on filled colours.
/// </remarks>
internal static class GoForgeTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#4f46e5",
            Secondary = "#0e7490",
            Tertiary = "#047857",
            Info = "#0369a1",
            Success = "#15803d",
            Warning = "#b45309",
            Error = "#c62828",
            AppbarBackground = "#ffffff",
            AppbarText = "#1f2133",
            Background = "#f5f6fb",
            Surface = "#ffffff",
            DrawerBackground = "#ffffff",
            DrawerText = "#3a3d55",
            DrawerIcon = "#5f6381",
            TextPrimary = "#1f2133",
            TextSecondary = "#5f6381",
            LinesDefault = "#e6e8f0",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#818cf8",
            PrimaryDarken = "#a5b4fc",
            PrimaryContrastText = "#0d0f17",
            Secondary = "#38bdf8",
            SecondaryContrastText = "#0d0f17",
            Tertiary = "#34d399",
            TertiaryContrastText = "#0d0f17",
            InfoContrastText = "#0d0f17",
            SuccessContrastText = "#0d0f17",
            WarningContrastText = "#0d0f17",
            ErrorContrastText = "#0d0f17",
            AppbarBackground = "#13151f",
            AppbarText = "#e6e8f5",
            Background = "#0d0f17",
            Surface = "#171a26",
            DrawerBackground = "#13151f",
            DrawerText = "#c5c8dc",
            DrawerIcon = "#9a9fbc",
            TextPrimary = "#e6e8f5",
            TextSecondary = "#9a9fbc",
            LinesDefault = "#262a3b",
        },
        LayoutProperties = new LayoutProperties
        {
            DefaultBorderRadius = "10px",
            DrawerWidthLeft = "248px",
        },
    };
}
