namespace GoForge.Core.Compose;

/// <summary>
/// Reads a text file of a clone: the path is resolved with every link followed and refused when it, or a link on its way,
/// leaves the repository; only regular files, UTF-8, within a size cap. Messages name the path as given, never where a
/// link points, and never the content of anything outside the clone.
/// </summary>
public interface IRepositoryFiles
{
    /// <param name="repositoryRoot">The clone's folder.</param>
    /// <param name="path">A path relative to <paramref name="repositoryRoot"/>, with '/' separators.</param>
    Task<RepositoryFile> ReadTextAsync(string repositoryRoot, string path, int maxBytes, CancellationToken ct = default);
}

public enum RepositoryFileStatus
{
    Read,
    Missing,

    /// <summary>Leaves the repository, is not a regular file, is too large or not UTF-8: <see cref="RepositoryFile.Reason"/> says which.</summary>
    Refused,
}

/// <summary>A file read from a clone: its text, or why there is none.</summary>
public sealed record RepositoryFile(RepositoryFileStatus Status, string? Text, string? Reason)
{
    public static RepositoryFile Missing(string reason) => new(RepositoryFileStatus.Missing, null, reason);

    public static RepositoryFile Refused(string reason) => new(RepositoryFileStatus.Refused, null, reason);
}
