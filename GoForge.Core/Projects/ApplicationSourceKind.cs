namespace GoForge.Core.Projects;

/// <summary>Where an application's image comes from (docs/decisions/registry-image-apps.md).</summary>
public enum ApplicationSourceKind
{
    /// <summary>Cloned from a Git repository and built from its Dockerfile.</summary>
    Git,

    /// <summary>Pulled from a registry by reference; nothing is cloned or built.</summary>
    Image,

    /// <summary>
    /// Cloned from a Git repository whose compose file (<see cref="Application.ComposePath"/>) names several services,
    /// each built or pulled and run as its own container (docs/decisions/compose.md).
    /// </summary>
    Compose,
}
