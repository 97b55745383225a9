namespace GoForge.Core.Projects;

/// <summary>A member's role in one project. Rights grow: viewer ⊂ deployer ⊂ maintainer (docs/decisions/projects.md).</summary>
public enum ProjectRole
{
    Viewer,
    Deployer,
    Maintainer,
}

/// <summary>What an action on a project needs.</summary>
public enum ProjectAction
{
    /// <summary>See the project, its environments, applications and non-secret variables.</summary>
    View,

    /// <summary>Start, cancel and roll back deployments.</summary>
    Deploy,

    /// <summary>Read secret values.</summary>
    RevealSecrets,

    /// <summary>Change the project, environments, applications and variables; delete them.</summary>
    Manage,

    /// <summary>Add, change and remove members.</summary>
    ManageMembers,
}

public static class ProjectRoles
{
    public static bool Allows(this ProjectRole role, ProjectAction action) => action switch
    {
        ProjectAction.View => true,
        ProjectAction.Deploy => role >= ProjectRole.Deployer,
        ProjectAction.RevealSecrets or ProjectAction.Manage or ProjectAction.ManageMembers => role == ProjectRole.Maintainer,
        _ => false,
    };
}
