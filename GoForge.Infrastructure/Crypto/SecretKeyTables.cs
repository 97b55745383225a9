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

    /// <summary>Every key id a stored variable names.</summary>
    public static async Task<IReadOnlyList<string>> ListKeyIdsInUseAsync(DbConnection conn, DbTransaction tx, CancellationToken ct)
    {
        const string sql = "SELECT DISTINCT value_key_id FROM environment_variables ORDER BY value_key_id";
        return (await conn.QueryAsync<string>(new CommandDefinition(sql, transaction: tx, cancellationToken: ct))).AsList();
    }
}
