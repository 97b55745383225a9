using System.Data.Common;
using Dapper;
using GoForge.Core.Secrets;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace GoForge.Infrastructure.Crypto;

/// <summary>
/// Re-encrypts every stored secret under a new key while the panel runs. With a key file, a new key becomes current
/// (the old ones stay in the file, retired, decrypting); with keys from configuration, the configured current key is
/// the target. Values move in batches, each its own transaction, so a crash leaves every value decryptable and the
/// next run carries on. A last pass locks every table of <see cref="SecretKeyTables.EncryptedColumns"/> against writes, moves what is left and the canary, and
/// forgets the old key ids; only then are the old keys dropped from the key file.
/// </summary>
internal sealed class SecretKeyRotator(
    NpgsqlDataSource dataSource,
    SecretKeyRing ring,
    ISecretProtector protector,
    TimeProvider time,
    ILogger<SecretKeyRotator> logger) : ISecretKeyRotator
{
    // pg_advisory_lock key: one rotation at a time across every process using this database ("GoFoSeKR").
    internal const long RotationLockKey = 0x476F_466F_5365_4B52;

    /// <summary>Values per transaction.</summary>
    internal int BatchSize { get; init; } = 500;

    public async Task<SecretKeyRotationReport> RotateAsync(CancellationToken ct = default)
    {
        await using var lockConnection = await dataSource.OpenConnectionAsync(ct);
        if (!await TryLockAsync(lockConnection, ct))
        {
            throw new InvalidOperationException("Another secret key rotation is running on this database; try again once it has finished.");
        }

        try
        {
            var target = ring.IsFromConfiguration ? ring.Current : SecretKey.Generate();
            await using (var conn = await dataSource.OpenConnectionAsync(ct))
            {
                // Registered before anything can encrypt under it: stored values must name a known key id.
                await SecretKeyTables.RegisterKeyIdAsync(conn, null, target.Id, time.GetUtcNow(), ct);
            }

            if (!ring.IsFromConfiguration)
            {
                ring.Install(target);
            }

            SecretsLog.RotationStarted(logger, target.Id);
            var count = 0;
            int moved;
            do
            {
                moved = await ReencryptBatchAsync(target, ct);
                count += moved;
                if (moved > 0)
                {
                    SecretsLog.RotationProgress(logger, count);
                }
            }
            while (moved > 0);

            count += await FinishAsync(target, ct);
            var retired = ring.DropRetiredKeys();
            SecretsLog.RotationFinished(logger, count, target.Id, retired.Count == 0 ? "none" : string.Join(", ", retired));
            return new SecretKeyRotationReport(target.Id, count, retired);
        }
        finally
        {
            await UnlockAsync(lockConnection);
        }
    }

    private async Task<int> ReencryptBatchAsync(SecretKey target, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var moved = 0;
        foreach (var column in SecretKeyTables.EncryptedColumns)
        {
            moved = await ReencryptAsync(conn, tx, column, target, ct);
            if (moved > 0)
            {
                break;
            }
        }

        await tx.CommitAsync(ct);
        return moved;
    }

    /// <summary>Moves what is left with writers held off, moves the canary, and forgets every other key id in one transaction.</summary>
    private async Task<int> FinishAsync(SecretKey target, CancellationToken ct)
    {
        // Writers (ROW EXCLUSIVE) wait until commit; after it, a value encrypted under an old key can no longer be
        // stored (its key id is gone), so none can outlive the old keys. Readers are not blocked.
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        foreach (var column in SecretKeyTables.EncryptedColumns)
        {
            await conn.ExecuteAsync(new CommandDefinition(column.LockSql, transaction: tx, cancellationToken: ct));
        }

        var count = 0;
        foreach (var column in SecretKeyTables.EncryptedColumns)
        {
            int moved;
            do
            {
                moved = await ReencryptAsync(conn, tx, column, target, ct);
                count += moved;
            }
            while (moved == BatchSize);
        }

        await SecretKeyTables.WriteCheckAsync(conn, tx, AesGcmSecretProtector.Protect(SecretKeyTables.CheckPlaintext, SecretKeyTables.CheckId, target), ct);
        await SecretKeyTables.DeleteKeyIdsExceptAsync(conn, tx, target.Id, ct);
        await tx.CommitAsync(ct);
        return count;
    }

    /// <summary>Re-encrypts up to one batch of values not yet under <paramref name="target"/>; a value that does not decrypt stops the rotation.</summary>
    private async Task<int> ReencryptAsync(DbConnection conn, DbTransaction tx, EncryptedColumn column, SecretKey target, CancellationToken ct)
    {
        var rows = (await conn.QueryAsync<StoredValue>(new CommandDefinition(column.SelectBatchSql, new { keyId = target.Id, limit = BatchSize }, tx, cancellationToken: ct))).AsList();
        if (rows.Count == 0)
        {
            return 0;
        }

        var updates = rows.Select(row =>
        {
            var plaintext = protector.Unprotect(new ProtectedValue(row.ValueKeyId, row.ValueCiphertext), row.Id);
            var value = AesGcmSecretProtector.Protect(plaintext, row.Id, target);
            return new { row.Id, value.KeyId, value.Ciphertext };
        }).ToList();
        await conn.ExecuteAsync(new CommandDefinition(column.UpdateSql, updates, tx, cancellationToken: ct));
        return rows.Count;
    }

    private static async Task<bool> TryLockAsync(DbConnection conn, CancellationToken ct)
    {
        const string sql = "SELECT pg_try_advisory_lock(@key)";
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(sql, new { key = RotationLockKey }, cancellationToken: ct));
    }

    private static async Task UnlockAsync(DbConnection conn)
    {
        // Session-level lock: a pooled connection would keep holding it, so it is released explicitly, even after cancellation.
        const string sql = "SELECT pg_advisory_unlock(@key)";
        try
        {
            await conn.ExecuteScalarAsync<bool>(new CommandDefinition(sql, new { key = RotationLockKey }, cancellationToken: CancellationToken.None));
        }
        catch (DbException)
        {
            // A broken connection ended its session, and the lock with it; the rotation's own error is the one to report.
        }
    }

    private sealed class StoredValue
    {
        public Guid Id { get; init; }

        public string ValueKeyId { get; init; } = string.Empty;

        public byte[] ValueCiphertext { get; init; } = [];
    }
}
