using System.Data.Common;
using Dapper;
using GoForge.Core.Secrets;

namespace GoForge.Infrastructure.Crypto;

/// <summary>The rows that tie the database to its keys: <c>secret_key_ids</c> and the <c>secret_key_check</c> canary.</summary>
internal static class SecretKeyTables
{
    /// <summary>The canary's associated id and plain text; neither is secret.</summary>
    public static readonly Guid CheckId = new("00000000-0000-0000-0000-00000000c0de");

    public const string CheckPlaintext = "GoForge secret key check";

    /// <summary>Allows values to be stored under <paramref name="keyId"/>.</summary>
    public static async Task RegisterKeyIdAsync(DbConnection conn, DbTransaction? tx, string keyId, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = "INSERT INTO secret_key_ids (key_id, added_at) VALUES (@keyId, @now) ON CONFLICT (key_id) DO NOTHING";
        await conn.ExecuteAsync(new CommandDefinition(sql, new { keyId, now }, tx, cancellationToken: ct));
    }

    /// <summary>Forgets every key id but <paramref name="keepKeyId"/>; fails (foreign key) if a stored value still uses one.</summary>
    public static async Task<int> DeleteKeyIdsExceptAsync(DbConnection conn, DbTransaction tx, string keepKeyId, CancellationToken ct)
    {
        const string sql = "DELETE FROM secret_key_ids WHERE key_id <> @keepKeyId";
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { keepKeyId }, tx, cancellationToken: ct));
    }

    /// <summary>Stores the canary unless one is there; true when this call stored it.</summary>
    public static async Task<bool> InsertCheckIfAbsentAsync(DbConnection conn, DbTransaction tx, ProtectedValue check, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO secret_key_check (id, key_id, ciphertext) VALUES (1, @KeyId, @Ciphertext)
            ON CONFLICT (id) DO NOTHING
            """;
        return await conn.ExecuteAsync(new CommandDefinition(sql, check, tx, cancellationToken: ct)) == 1;
    }

    public static async Task WriteCheckAsync(DbConnection conn, DbTransaction tx, ProtectedValue check, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO secret_key_check (id, key_id, ciphertext) VALUES (1, @KeyId, @Ciphertext)
            ON CONFLICT (id) DO UPDATE SET key_id = excluded.key_id, ciphertext = excluded.ciphertext
            """;
        await conn.ExecuteAsync(new CommandDefinition(sql, check, tx, cancellationToken: ct));
    }

    public static async Task<ProtectedValue> ReadCheckAsync(DbConnection conn, DbTransaction tx, CancellationToken ct)
    {
        const string sql = "SELECT key_id, ciphertext FROM secret_key_check WHERE id = 1";
        var row = await conn.QuerySingleAsync<(string KeyId, byte[] Ciphertext)>(new CommandDefinition(sql, transaction: tx, cancellationToken: ct));
        return new ProtectedValue(row.KeyId, row.Ciphertext);
    }

    /// <summary>
    /// Every column that holds a value encrypted by <see cref="ISecretProtector"/>, bound to its row's id. A table that
    /// stores a secret is listed here, or key rotation and the start-up check would miss it
    /// (<c>SecretKeyRotationTests</c> checks the list against the schema: every <c>bytea</c> column with a key id).
    /// </summary>
    public static readonly IReadOnlyList<EncryptedColumn> EncryptedColumns =
    [
        new("environment_variables", "value_ciphertext", "value_key_id"),
        new("webhook_secrets", "secret_ciphertext", "secret_key_id"),
        new("git_credentials", "secret_ciphertext", "secret_key_id"),
        new("github_sign_in_settings", "client_secret_ciphertext", "client_secret_key_id"),
        new("service_instances", "inputs_ciphertext", "inputs_key_id"),
        new("registry_credentials", "secret_ciphertext", "secret_key_id"),
        new("backup_destination_secrets", "secret_ciphertext", "secret_key_id"),
        new("notification_channels", "secrets_ciphertext", "secrets_key_id"),
        new("user_two_factor", "secret_ciphertext", "secret_key_id"),
    ];

    /// <summary>Every key id a stored value names.</summary>
    public static async Task<IReadOnlyList<string>> ListKeyIdsInUseAsync(DbConnection conn, DbTransaction tx, CancellationToken ct)
    {
        var inUse = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var column in EncryptedColumns)
        {
            inUse.UnionWith(await conn.QueryAsync<string>(new CommandDefinition(column.SelectKeyIdsSql, transaction: tx, cancellationToken: ct)));
        }

        return inUse.ToList();
    }
}

/// <summary>
/// A table's encrypted column, its key id column, and the <c>id</c> (uuid) its values are bound to. The SQL below is
/// built from these compile-time names only, never from input.
/// </summary>
internal sealed record EncryptedColumn(string Table, string CiphertextColumn, string KeyIdColumn)
{
    public string SelectKeyIdsSql => $"SELECT DISTINCT {KeyIdColumn} FROM {Table}";

    public string LockSql => $"LOCK TABLE {Table} IN SHARE ROW EXCLUSIVE MODE";

    public string SelectBatchSql => $"""
        SELECT id, {KeyIdColumn} AS value_key_id, {CiphertextColumn} AS value_ciphertext FROM {Table}
        WHERE {KeyIdColumn} <> @keyId
        ORDER BY id
        LIMIT @limit
        FOR UPDATE
        """;

    public string UpdateSql => $"UPDATE {Table} SET {KeyIdColumn} = @KeyId, {CiphertextColumn} = @Ciphertext WHERE id = @Id";
}
