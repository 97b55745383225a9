using System.Security.Cryptography;
using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;

namespace GoForge.Core.Backups;

/// <summary>
/// Backup destinations, panel-wide, managed by administrators (docs/decisions/backups.md). Secrets (the S3 secret key,
/// the archive key) are encrypted at rest and never shown again; anyone who sets a schedule sees names only (<see cref="ChoicesAsync"/>).
/// </summary>
public sealed class BackupDestinationService(IBackupDestinationRepository destinations, IAuditLog audit, TimeProvider time)
{
    private static readonly Error NotAdmin = Error.Forbidden("Only administrators manage backup destinations.");
    private static readonly Error NameTaken = Error.Validation(nameof(BackupDestinationInput.Name), "A destination of that name exists already.");

    public async Task<Result<IReadOnlyList<BackupDestination>>> ListAsync(Actor actor, CancellationToken ct = default) =>
        actor.IsAdmin ? Result<IReadOnlyList<BackupDestination>>.Ok(await destinations.ListAsync(ct)) : NotAdmin;

    /// <summary>Ids, names and kinds, for the schedule forms of every signed-in user.</summary>
    public async Task<IReadOnlyList<BackupDestinationChoice>> ChoicesAsync(Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return (await destinations.ListAsync(ct)).Select(d => new BackupDestinationChoice(d.Id, d.Name, d.Kind)).ToList();
    }

    public async Task<Result<BackupDestination>> GetAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        return await destinations.GetAsync(id, ct) is { } found ? found : Error.NotFound("No such destination.");
    }

    public async Task<Result<BackupDestination>> CreateAsync(Actor actor, BackupDestinationInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        var now = time.GetUtcNow();
        var valid = BackupDestinationRules.Validate(input, Guid.NewGuid(), now, now, hasStoredSecret: false);
        if (!valid.IsSuccess)
        {
            return valid.Error;
        }

        var archiveKey = input.EncryptArchives ? RandomNumberGenerator.GetBytes(32) : null;
        if (!await destinations.TrySaveAsync(valid.Value, SecretOf(input), archiveKey, keepArchiveKey: false, ct))
        {
            return NameTaken;
        }

        await audit.RecordAsync(time, actor, AuditActions.BackupDestinationSaved, $"backup-destination:{valid.Value.Name}", $"created ({valid.Value.Kind})", ct);
        return valid.Value;
    }

    /// <summary>Changes a destination; an empty secret key keeps the stored one; turning encryption on makes a new archive key, off forgets it.</summary>
    public async Task<Result<BackupDestination>> UpdateAsync(Actor actor, Guid id, BackupDestinationInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        var existing = await destinations.GetAsync(id, ct);
        if (existing is null)
        {
            return Error.NotFound("No such destination.");
        }

        var storedSecret = existing.Kind == BackupDestinationKind.S3 && input.Kind == BackupDestinationKind.S3;
        var valid = BackupDestinationRules.Validate(input, id, existing.CreatedAt, time.GetUtcNow(), storedSecret);
        if (!valid.IsSuccess)
        {
            return valid.Error;
        }

        var keep = existing.EncryptsArchives && input.EncryptArchives;
        var archiveKey = input.EncryptArchives && !existing.EncryptsArchives ? RandomNumberGenerator.GetBytes(32) : null;
        if (!await destinations.TrySaveAsync(valid.Value, SecretOf(input), archiveKey, keep, ct))
        {
            return NameTaken;
        }

        await audit.RecordAsync(time, actor, AuditActions.BackupDestinationSaved, $"backup-destination:{valid.Value.Name}", "updated", ct);
        return valid.Value;
    }

    public async Task<Result> DeleteAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        var existing = await destinations.GetAsync(id, ct);
        if (existing is null)
        {
            return Error.NotFound("No such destination.");
        }

        try
        {
            await destinations.DeleteAsync(id, ct);
        }
        catch (BackupDestinationInUseException e)
        {
            return Error.Conflict(e.Message);
        }

        await audit.RecordAsync(time, actor, AuditActions.BackupDestinationDeleted, $"backup-destination:{existing.Name}", ct: ct);
        return Result.Success;
    }

    private static string? SecretOf(BackupDestinationInput input) =>
        input.Kind == BackupDestinationKind.S3 && !string.IsNullOrEmpty(input.S3SecretAccessKey) ? input.S3SecretAccessKey : null;
}
