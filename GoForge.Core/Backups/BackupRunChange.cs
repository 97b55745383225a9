using GoForge.Core.Common.Live;

namespace GoForge.Core.Backups;

/// <summary>
/// A backup or restore run of a target started or ended (pushed through <see cref="ChangeFeed{TChange}"/>, keyed by the
/// target: a service's id, or the panel database's schedule target). Viewers re-read the history on a change.
/// </summary>
public sealed record BackupRunChange(Guid TargetId, Guid RunId, BackupRunState State) : IFeedChange
{
    public Guid FeedKey => TargetId;
}
