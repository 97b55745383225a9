using GoForge.Core.Common.Work;

namespace GoForge.Core.Backups;

/// <summary>Wakes the backup worker when a run is queued or one ends.</summary>
public sealed class BackupSignal : WorkSignal;

/// <summary>The cancellation sources of the backups and restores running in this process.</summary>
public sealed class BackupCancellations : RunningWork;
