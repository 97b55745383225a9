using GoForge.Core.Containers;
using GoForge.Core.Projects;

namespace GoForge.Core.Deployments;

/// <summary>What a deployment asks the image builder for, from the application's settings and variables.</summary>
public static class BuildRequests
{
    /// <summary>
    /// Build-time variables that are not secret become build arguments; secret ones become BuildKit secrets
    /// (<c>RUN --mount=type=secret,id=KEY</c>), so their values stay out of the image's history, config and layers.
    /// Cache mounts are scoped to the application, the stage to build is its build target.
    /// </summary>
    public static ImageBuildRequest For(Application app, IReadOnlyList<EnvironmentVariable> vars, string context, string dockerfile,
        string tag, IReadOnlyDictionary<string, string> labels, string repositoryRoot)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(vars);
        var buildTime = vars.Where(v => v.IsBuildTime).ToList();
        return new ImageBuildRequest(context, dockerfile, tag,
            buildTime.Where(v => !v.IsSecret).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal), labels)
        {
            RepositoryRoot = repositoryRoot,
            Secrets = buildTime.Where(v => v.IsSecret).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal),
            Target = app.BuildTarget,
            CacheScope = app.Id.ToString("N"),
        };
    }
}
