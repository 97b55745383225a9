using GoForge.Core.Common;

namespace GoForge.Core.Volumes;

/// <summary>
/// Volumes an application declares in a file instead of as rows (a compose file's named volumes), removed when the
/// application is deleted with its volumes. A port, so Volumes stays below the Compose feature that implements it
/// (<c>Compose/ComposeTeardown</c>).
/// </summary>
public interface IDeclaredVolumeTeardown
{
    /// <summary>Removes the declared volumes proven to be this installation's for the application; a volume still in use is a conflict.</summary>
    Task<Result> RemoveVolumesAsync(Guid applicationId, CancellationToken ct);
}
