using Dapper;
using GoForge.Core.Containers;
using GoForge.Core.Registry;
using GoForge.Core.Secrets;
using Npgsql;

namespace GoForge.Infrastructure.Registry;

/// <summary>
/// Image applications' registry credentials and pull facts. The password is encrypted here, at the repository
/// boundary, bound to the row's id (the application's id); the table never holds it in plain text.
/// </summary>
internal sealed class RegistryCredentialRepository(NpgsqlDataSource dataSource, ISecretProtector protector) : IRegistryCredentialRepository
{
    public async Task<RegistryAuth?> GetAsync(Guid applicationId, CancellationToken ct = default)
    {
        const string sql = "SELECT id, registry, username, secret_key_id, secret_ciphertext FROM registry_credentials WHERE id = @applicationId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<CredentialRow>(new CommandDefinition(sql, new { applicationId }, cancellationToken: ct));
        return row is null
            ? null
            : new RegistryAuth(row.Registry, row.Username, protector.Unprotect(new ProtectedValue(row.SecretKeyId, row.SecretCiphertext), row.Id));
    }

    public async Task SetAsync(Guid applicationId, RegistryAuth credential, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        const string sql = """
            INSERT INTO registry_credentials (id, registry, username, secret_key_id, secret_ciphertext, updated_at)
            VALUES (@applicationId, @registry, @username, @keyId, @ciphertext, @now)
            ON CONFLICT (id) DO UPDATE SET registry = excluded.registry, username = excluded.username,
                secret_key_id = excluded.secret_key_id, secret_ciphertext = excluded.secret_ciphertext, updated_at = excluded.updated_at
            """;
        var secret = protector.Protect(credential.Password, applicationId);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            applicationId,
            registry = credential.Registry,
            username = credential.Username,
            keyId = secret.KeyId,
            ciphertext = secret.Ciphertext,
            now,
        }, cancellationToken: ct));
    }

    public async Task<bool> DeleteAsync(Guid applicationId, CancellationToken ct = default)
    {
        const string sql = "DELETE FROM registry_credentials WHERE id = @applicationId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { applicationId }, cancellationToken: ct)) == 1;
    }

    public async Task RecordDigestAsync(Guid deploymentId, string digest, CancellationToken ct = default)
    {
        const string sql = "UPDATE deployments SET image_digest = @digest WHERE id = @deploymentId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { deploymentId, digest }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<DigestCheckTarget>> ListDigestChecksAsync(CancellationToken ct = default)
    {
        const string sql = """
            SELECT a.id AS application_id, a.image_reference, a.digest_check_minutes AS minutes,
                   (SELECT r.image_digest FROM deployments r
                    WHERE r.application_id = a.id AND r.state = 'running' ORDER BY r.created_at DESC, r.id DESC LIMIT 1) AS running_digest,
                   EXISTS (SELECT 1 FROM deployments w
                           WHERE w.application_id = a.id AND w.state IN ('pending', 'cloning', 'building', 'pulling', 'deploying')) AS has_active_or_pending
            FROM applications a
            WHERE a.source_kind = 'image' AND a.digest_check_minutes IS NOT NULL
            ORDER BY a.id
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<DigestCheckTarget>(new CommandDefinition(sql, cancellationToken: ct))).AsList();
    }

    private sealed record CredentialRow(Guid Id, string Registry, string Username, string SecretKeyId, byte[] SecretCiphertext);
}
