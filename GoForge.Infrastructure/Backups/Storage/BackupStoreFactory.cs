using GoForge.Core.Backups;

namespace GoForge.Infrastructure.Backups.Storage;

/// <summary>Opens a destination's store: one arm per <see cref="BackupDestinationKind"/> (and, later, the encrypting wrapper).</summary>
internal sealed class BackupStoreFactory : IBackupStoreFactory
{
    public IBackupStore Open(BackupStoreSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.ArchiveKey is not null)
        {
            throw new BackupStoreException("Client-side encryption of archives is not part of this build yet.");
        }

        return spec.Kind switch
        {
            BackupDestinationKind.Local when spec.Local is not null => new LocalBackupStore(spec.Local),
            BackupDestinationKind.S3 => throw new BackupStoreException("S3 storage is not part of this build yet."),
            _ => throw new BackupStoreException("The destination's settings are incomplete."),
        };
    }
}
