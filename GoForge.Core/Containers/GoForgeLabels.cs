namespace GoForge.Core.Containers;

/// <summary>
/// The labels GoForge puts on what it creates on the engine: how it finds its own containers, images, networks and
/// volumes again, and the only things its prunes and clean-ups ever touch.
/// </summary>
public static class GoForgeLabels
{
    /// <summary><c>true</c> on every container, network and volume GoForge created.</summary>
    public const string Managed = "goforge.managed";

    /// <summary>The application's id, on its containers and on every image GoForge builds (the image owner).</summary>
    public const string App = "goforge.app";

    /// <summary>The deployment that made the container or image.</summary>
    public const string Deployment = "goforge.deployment";

    /// <summary>The commit an image was built from.</summary>
    public const string Commit = "goforge.commit";
}
