using Dapper;
using GoForge.Core.GitProviders;
using GoForge.Core.Secrets;
using GoForge.Infrastructure.Persistence;
using Npgsql;

namespace GoForge.Infrastructure.GitProviders;

/// <summary>Repository credentials; the token or private key is encrypted here, bound to the row id.</summary>
internal sealed class GitCredentialRepository(NpgsqlDataSource dataSource, ISecretProtector protector) : IGitCredentialRepository
{
    private const string Columns =
        "id, project_id, application_id, kind, username, public_key, fingerprint, known_host_key, secret_ciphertext, secret_key_id, created_at, updated_at, host";

    public async Task<GitCredential?> GetAsync(Guid projectId, Guid? applicationId, CancellationToken ct = default)
    {
        const string sql = $"""
            SELECT {Columns} FROM git_credentials
            WHERE project_id = @projectId AND application_id IS NOT DISTINCT FROM @applicationId
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<CredentialRow>(new CommandDefinition(sql, new { projectId, applicationId }, cancellationToken: ct));
        return row is null ? null : Decrypt(row);
    }

    public async Task SaveAsync(GitCredential credential, CancellationToken ct = default)
    {
        // Replace = delete and insert in one transaction: the new secret is bound to the new row's id.
        const string deleteSql = "DELETE FROM git_credentials WHERE project_id = @ProjectId AND application_id IS NOT DISTINCT FROM @ApplicationId";
        const string insertSql = $"""
            INSERT INTO git_credentials ({Columns})
            VALUES (@Id, @ProjectId, @ApplicationId, @Kind, @Username, @PublicKey, @Fingerprint, @KnownHostKey, @Ciphertext, @KeyId, @CreatedAt, @UpdatedAt, @Host)
            """;
        var value = protector.Protect(credential.Secret, credential.Id);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(deleteSql, new { credential.ProjectId, credential.ApplicationId }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(insertSql, new
        {
            credential.Id,
            credential.ProjectId,
            credential.ApplicationId,
            Kind = credential.Kind.ToDb(),
            credential.Username,
            credential.PublicKey,
            credential.Fingerprint,
            credential.KnownHostKey,
            Ciphertext = value.Ciphertext,
            value.KeyId,
            credential.CreatedAt,
            credential.UpdatedAt,
            credential.Host,
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    public async Task<bool> DeleteAsync(Guid projectId, Guid? applicationId, CancellationToken ct = default)
    {
        const string sql = "DELETE FROM git_credentials WHERE project_id = @projectId AND application_id IS NOT DISTINCT FROM @applicationId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { projectId, applicationId }, cancellationToken: ct)) == 1;
    }

    public async Task<bool> PinHostKeyAsync(Guid credentialId, string fingerprint, CancellationToken ct = default)
    {
        const string sql = "UPDATE git_credentials SET known_host_key = @fingerprint WHERE id = @credentialId AND known_host_key IS NULL";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { credentialId, fingerprint }, cancellationToken: ct)) == 1;
    }

    public async Task<bool> ForgetHostKeyAsync(Guid credentialId, CancellationToken ct = default)
    {
        const string sql = "UPDATE git_credentials SET known_host_key = NULL WHERE id = @credentialId AND known_host_key IS NOT NULL";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { credentialId }, cancellationToken: ct)) == 1;
    }

    private GitCredential Decrypt(CredentialRow row) => new()
    {
        Id = row.Id,
        ProjectId = row.ProjectId,
        ApplicationId = row.ApplicationId,
        Kind = DbEnums.ToGitCredentialKind(row.Kind),
        Username = row.Username,
        PublicKey = row.PublicKey,
        Fingerprint = row.Fingerprint,
        KnownHostKey = row.KnownHostKey,
        Secret = protector.Unprotect(new ProtectedValue(row.SecretKeyId, row.SecretCiphertext), row.Id),
        CreatedAt = row.CreatedAt,
        UpdatedAt = row.UpdatedAt,
        Host = row.Host,
    };

    private sealed record CredentialRow(
        Guid Id, Guid ProjectId, Guid? ApplicationId, string Kind, string Username, string? PublicKey, string? Fingerprint, string? KnownHostKey,
        byte[] SecretCiphertext, string SecretKeyId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Host);
}
