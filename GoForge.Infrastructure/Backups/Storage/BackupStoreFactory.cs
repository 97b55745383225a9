using GoForge.Core.Backups;
using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Backups.Storage;

/// <summary>
/// Opens a destination's store: one arm per <see cref="BackupDestinationKind"/>, wrapped in the encrypting store when the
/// destination has an archive key (docs/decisions/backup-storage.md).
/// </summary>
internal sealed class BackupStoreFactory(ILoggerFactory loggers) : IBackupStoreFactory
{
    public IBackupStore Open(BackupStoreSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        IBackupStore store = spec.Kind switch
        {
            BackupDestinationKind.Local when spec.Local is not null => new LocalBackupStore(spec.Local),
            BackupDestinationKind.S3 when spec.S3 is not null => new S3BackupStore(spec.S3, loggers.CreateLogger<S3BackupStore>()),
            _ => throw new BackupStoreException("The destination's settings are incomplete."),
        };
        return EncryptingBackupStore.Wrap(store, spec.ArchiveKey);
    }
}
