using GoForge.Core.Projects;

namespace GoForge.Core.Previews;

/// <summary>
/// The preview-variable boundary: a preview gets only the application's variables marked "available to previews"
/// (off by default), never the others; a build-time secret reaches a preview's build only when it is marked too.
/// Code from a pull request can read whatever it is given, so nothing unmarked is given.
/// </summary>
public static class PreviewVariables
{
    public static IReadOnlyList<EnvironmentVariable> For(IReadOnlyList<EnvironmentVariable> all, IReadOnlySet<Guid> markedForPreviews)
    {
        ArgumentNullException.ThrowIfNull(all);
        ArgumentNullException.ThrowIfNull(markedForPreviews);
        return all.Where(v => markedForPreviews.Contains(v.Id)).ToList();
    }
}
