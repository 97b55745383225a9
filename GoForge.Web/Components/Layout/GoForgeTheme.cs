using MudBlazor;

namespace GoForge.Web.Components.Layout;

/// <summary>GoForge's look: an indigo brand colour, calm surfaces, and a dark palette tuned for long sessions.</summary>
internal static class GoForgeTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#4f46e5",
            Secondary = "#0ea5e9",
            Tertiary = "#10b981",
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
            Secondary = "#38bdf8",
            Tertiary = "#34d399",
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
