namespace GoForge.Core.Volumes;

/// <summary>
/// <c>GoForge:Volumes</c>: host folders no bind mount may reach besides the fixed deny list
/// (<see cref="AppVolumeRules.DeniedHostPaths"/>). GoForge adds its own folders at start-up: the
/// deployments' work folder (<c>AddGoForgeCore</c>) and the panel's data folders (the web host).
/// </summary>
public sealed class AppVolumeOptions
{
    public const string SectionName = "GoForge:Volumes";

    /// <summary>More host folders refused as bind-mount sources, with everything under them and every folder holding them.</summary>
    public List<string> ProtectedHostPaths { get; } = [];
}
