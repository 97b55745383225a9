namespace GoForge.Core.Containers;

/// <summary>
/// The labels GoForge puts on what it creates on the engine: how it finds its own containers, images, networks and
/// volumes again, and the only things its prunes and clean-ups ever touch. The owner labels (<see cref="Project"/>,
/// <see cref="Environment"/>, <see cref="App"/>/<see cref="Service"/>, <see cref="Kind"/>) are what GoForge checks
/// before it attaches to or reuses a network or volume (docs/deployments/naming.md).
/// </summary>
public static class GoForgeLabels
{
    /// <summary><c>true</c> on every container, network and volume GoForge created.</summary>
    public const string Managed = "goforge.managed";

    /// <summary>
    /// The id of the installation (its database) that created the resource (<see cref="InstallationIdentity"/>), on every
    /// container, network and volume GoForge creates. The reconciler touches only resources carrying its own id (or, made
    /// before the label existed, whose deployment or service id is in its database): several panels may share one engine.
    /// </summary>
    public const string Installation = "goforge.installation";

    /// <summary>The application's id, on its containers and on every image GoForge builds (the image owner).</summary>
    public const string App = "goforge.app";

    /// <summary>The deployment that made the container or image.</summary>
    public const string Deployment = "goforge.deployment";

    /// <summary>The commit an image was built from.</summary>
    public const string Commit = "goforge.commit";

    /// <summary>The owning project's id, on every container, network and volume of a project.</summary>
    public const string Project = "goforge.project";

    /// <summary>The owning environment's id, on every container, network and volume of an environment.</summary>
    public const string Environment = "goforge.environment";

    /// <summary>The owning service's id, on a service's container and volumes.</summary>
    public const string Service = "goforge.service";

    /// <summary>The id of the application volume (its row) a <see cref="Kinds.AppVolume"/> volume holds.</summary>
    public const string Volume = "goforge.volume";

    /// <summary>The compose service a compose application's container runs, or a compose volume belongs to (docs/decisions/compose.md).</summary>
    public const string ComposeService = "goforge.compose-service";

    /// <summary>The compose file's name of a compose application's named volume.</summary>
    public const string ComposeVolume = "goforge.compose-volume";

    /// <summary>The pull request preview (its row's id) a <see cref="Kinds.PreviewContainer"/> runs.</summary>
    public const string Preview = "goforge.preview";

    /// <summary>What the resource is (<see cref="Kinds"/>); resources made before it existed have none.</summary>
    public const string Kind = "goforge.kind";

    /// <summary>The values of <see cref="Kind"/>.</summary>
    public static class Kinds
    {
        public const string EnvironmentNetwork = "environment-network";
        public const string AppContainer = "app-container";
        public const string ServiceContainer = "service-container";
        public const string ServiceVolume = "service-volume";
        public const string ProxyNetwork = "proxy-network";
        public const string AppVolume = "app-volume";
        public const string ComposeVolume = "compose-volume";
        public const string ComposeNetwork = "compose-network";
        public const string PreviewContainer = "preview-container";
        public const string SwarmService = "swarm-service";
        public const string SwarmNetwork = "swarm-network";
    }
}
