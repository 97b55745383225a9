using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;

namespace GoForge.Core.Secrets;

/// <summary>What administrators do to the secret keys. Every method checks the actor is an admin.</summary>
public sealed class SecretAdministration(ISecretKeyRotator rotator, IAuditLog audit, TimeProvider time)
{
    private static readonly Error NotAdmin = Error.Forbidden("Only administrators rotate the secret key.");

    private int _rotating;

    /// <summary>
    /// Re-encrypts every stored secret under a new key (see <see cref="ISecretKeyRotator"/>) and records it in the
    /// audit log with key ids and counts only. A value that cannot be decrypted stops the rotation with a conflict
    /// naming its row; no key is dropped then, and a later rotation finishes the work.
    /// </summary>
    public async Task<Result<SecretKeyRotationReport>> RotateKeyAsync(Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        if (Interlocked.Exchange(ref _rotating, 1) == 1)
        {
            return Error.Conflict("A key rotation is already running; wait for it to finish.");
        }

        try
        {
            var report = await rotator.RotateAsync(ct);
            var retired = report.RetiredKeyIds.Count == 0 ? "none" : string.Join(", ", report.RetiredKeyIds);
            await audit.RecordAsync(time, actor, AuditActions.SecretKeyRotated, $"key:{report.NewKeyId}",
                $"{report.ValuesReencrypted} value(s) re-encrypted; retired key(s): {retired}", ct);
            return report;
        }
        catch (SecretUnprotectException ex)
        {
            return Error.Conflict($"The rotation stopped: {ex.Message} No key was dropped, so every other value still decrypts; restore that key or fix that value, then rotate again.");
        }
        finally
        {
            Volatile.Write(ref _rotating, 0);
        }
    }
}
