using Dapper;
using GoForge.Core.Projects;
using GoForge.Core.Secrets;
using Npgsql;

namespace GoForge.Infrastructure.Projects;

/// <summary>Every value is encrypted here, at the repository boundary, bound to its row id; the table never holds plain text.</summary>
internal sealed class EnvironmentVariableRepository(NpgsqlDataSource dataSource, ISecretProtector protector) : IEnvironmentVariableRepository
{
    private const string Columns = "id, application_id, key, value_ciphertext, value_key_id, is_secret, is_build_time, updated_at, services";

    public async Task<IReadOnlyList<EnvironmentVariable>> ListAsync(Guid applicationId, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM environment_variables WHERE application_id = @applicationId ORDER BY key";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<VariableRow>(new CommandDefinition(sql, new { applicationId }, cancellationToken: ct));
        return rows.Select(Decrypt).ToList();
    }

    public async Task<EnvironmentVariable?> GetAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM environment_variables WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<VariableRow>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
        return row is null ? null : Decrypt(row);
    }

    public async Task UpsertAsync(Guid applicationId, IReadOnlyList<VariableInput> variables, DateTimeOffset now, CancellationToken ct = default)
    {
        // Existing rows keep their id (the ciphertext is bound to it), so look them up first, under lock.
        const string existingSql = "SELECT key, id FROM environment_variables WHERE application_id = @applicationId FOR UPDATE";
        const string insertSql = """
            INSERT INTO environment_variables (id, application_id, key, value_ciphertext, value_key_id, is_secret, is_build_time, created_at, updated_at, services)
            VALUES (@id, @applicationId, @key, @ciphertext, @keyId, @isSecret, @isBuildTime, @now, @now, @services)
            """;
        const string updateSql = """
            UPDATE environment_variables SET value_ciphertext = @ciphertext, value_key_id = @keyId, is_secret = @isSecret,
                   is_build_time = @isBuildTime, updated_at = @now, services = @services
            WHERE id = @id
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var existing = (await conn.QueryAsync<(string Key, Guid Id)>(new CommandDefinition(existingSql, new { applicationId }, tx, cancellationToken: ct)))
            .ToDictionary(r => r.Key, r => r.Id, StringComparer.Ordinal);
        foreach (var variable in variables)
        {
            var key = variable.Key!;
            var isNew = !existing.TryGetValue(key, out var id);
            if (isNew)
            {
                id = Guid.CreateVersion7(now);
                existing[key] = id;
            }

            var protectedValue = protector.Protect(variable.Value ?? string.Empty, id);
            await conn.ExecuteAsync(new CommandDefinition(isNew ? insertSql : updateSql, new
            {
                id,
                applicationId,
                key,
                ciphertext = protectedValue.Ciphertext,
                keyId = protectedValue.KeyId,
                isSecret = variable.IsSecret,
                isBuildTime = variable.IsBuildTime,
                now,
                // Every service is stored as null, never as an empty array (the table's check refuses one).
                services = variable.Services is { Count: > 0 } only ? only.ToArray() : null,
            }, tx, cancellationToken: ct));
        }

        await tx.CommitAsync(ct);
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = "DELETE FROM environment_variables WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id }, cancellationToken: ct)) == 1;
    }

    private EnvironmentVariable Decrypt(VariableRow row) => new()
    {
        Id = row.Id,
        ApplicationId = row.ApplicationId,
        Key = row.Key,
        Value = protector.Unprotect(new ProtectedValue(row.ValueKeyId, row.ValueCiphertext), row.Id),
        IsSecret = row.IsSecret,
        IsBuildTime = row.IsBuildTime,
        UpdatedAt = row.UpdatedAt,
        Services = row.Services?.Cast<string>().ToArray(),
    };

    // Services is Array, not string[]: Npgsql reports a text[] column's type as Array, and Dapper matches the
    // constructor on the reported types.
    private sealed record VariableRow(
        Guid Id, Guid ApplicationId, string Key, byte[] ValueCiphertext, string ValueKeyId, bool IsSecret, bool IsBuildTime, DateTimeOffset UpdatedAt, Array? Services);
}
