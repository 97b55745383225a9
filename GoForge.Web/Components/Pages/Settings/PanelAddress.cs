using GoForge.Web.Hosting;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Settings;

/// <summary>Absolute addresses of the panel for people to open or register elsewhere (invitation links, GitHub's callback).</summary>
internal static class PanelAddress
{
    /// <summary><c>GoForge:PublicUrl</c> when set (behind a proxy), else the address this page was loaded from.</summary>
    public static string Absolute(GoForgeWebOptions options, NavigationManager navigation, string path) =>
        $"{(options.PublicUrl?.AbsoluteUri ?? navigation.BaseUri).TrimEnd('/')}/{path.TrimStart('/')}";
}
