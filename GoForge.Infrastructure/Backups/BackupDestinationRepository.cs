using Dapper;
using GoForge.Core.Backups;
using GoForge.Core.Secrets;
using GoForge.Infrastructure.Persistence;
using Npgsql;

namespace GoForge.Infrastructure.Backups;

/// <summary>
/// Backup destinations. Their secrets (the S3 secret key, the archive key as base64) are rows of
/// backup_destination_secrets, each encrypted by <see cref="ISecretProtector"/> bound to its own row id, and are
/// decrypted only in <see cref="OpenSpecAsync"/>.
/// </summary>
internal sealed class BackupDestinationRepository(NpgsqlDataSource dataSource, ISecretProtector protector) : IBackupDestinationRepository
{
    private const string S3Secret = "s3_secret_key";
    private const string ArchiveKey = "archive_key";

    private const string Select = """
        SELECT d.id, d.name, d.kind, d.local_folder, d.s3_bucket, d.s3_prefix, d.s3_region, d.s3_endpoint, d.s3_path_style,
               d.s3_access_key_id, d.created_at, d.updated_at,
               EXISTS (SELECT 1 FROM backup_destination_secrets s WHERE s.destination_id = d.id AND s.purpose = 'archive_key') AS encrypts_archives
        FROM backup_destinations d
        """;

    public async Task<IReadOnlyList<BackupDestination>> ListAsync(CancellationToken ct = default)
    {
        const string sql = $"{Select} ORDER BY d.name";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<DestinationRow>(new CommandDefinition(sql, cancellationToken: ct))).Select(r => r.ToModel()).ToList();
    }

    public async Task<BackupDestination?> GetAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = $"{Select} WHERE d.id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QuerySingleOrDefaultAsync<DestinationRow>(new CommandDefinition(sql, new { id }, cancellationToken: ct)))?.ToModel();
    }

    public async Task<bool> TrySaveAsync(BackupDestination destination, string? s3SecretAccessKey, byte[]? archiveKey, bool keepArchiveKey, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        const string upsert = """
            INSERT INTO backup_destinations (id, name, kind, local_folder, s3_bucket, s3_prefix, s3_region, s3_endpoint, s3_path_style, s3_access_key_id, created_at, updated_at)
            VALUES (@Id, @Name, @kind, @LocalFolder, @S3Bucket, @S3Prefix, @S3Region, @endpoint, @S3PathStyle, @S3AccessKeyId, @CreatedAt, @UpdatedAt)
            ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, local_folder = EXCLUDED.local_folder,
                s3_bucket = EXCLUDED.s3_bucket, s3_prefix = EXCLUDED.s3_prefix, s3_region = EXCLUDED.s3_region, s3_endpoint = EXCLUDED.s3_endpoint,
                s3_path_style = EXCLUDED.s3_path_style, s3_access_key_id = EXCLUDED.s3_access_key_id, updated_at = EXCLUDED.updated_at
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        try
        {
            await conn.ExecuteAsync(new CommandDefinition(upsert, new
            {
                destination.Id,
                destination.Name,
                kind = destination.Kind == BackupDestinationKind.Local ? "local" : "s3",
                destination.LocalFolder,
                destination.S3Bucket,
                destination.S3Prefix,
                destination.S3Region,
                endpoint = destination.S3Endpoint?.ToString(),
                destination.S3PathStyle,
                destination.S3AccessKeyId,
                destination.CreatedAt,
                destination.UpdatedAt,
            }, tx, cancellationToken: ct));
        }
        catch (PostgresException e) when (e.IsUniqueViolation())
        {
            await tx.RollbackAsync(ct);
            return false;
        }

        if (destination.Kind != BackupDestinationKind.S3)
        {
            await DeleteSecretAsync(conn, tx, destination.Id, S3Secret, ct);
        }
        else if (s3SecretAccessKey is not null)
        {
            await WriteSecretAsync(conn, tx, destination.Id, S3Secret, s3SecretAccessKey, ct);
        }

        if (archiveKey is not null)
        {
            await WriteSecretAsync(conn, tx, destination.Id, ArchiveKey, Convert.ToBase64String(archiveKey), ct);
        }
        else if (!keepArchiveKey)
        {
            await DeleteSecretAsync(conn, tx, destination.Id, ArchiveKey, ct);
        }

        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = "DELETE FROM backup_destinations WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        try
        {
            return await conn.ExecuteAsync(new CommandDefinition(sql, new { id }, cancellationToken: ct)) == 1;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new BackupDestinationInUseException("A backup schedule uses this destination; choose another destination for it first.", e);
        }
    }

    public async Task<BackupStoreSpec?> OpenSpecAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = "SELECT id, purpose, secret_ciphertext, secret_key_id FROM backup_destination_secrets WHERE destination_id = @id";
        var destination = await GetAsync(id, ct);
        if (destination is null)
        {
            return null;
        }

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var secrets = (await conn.QueryAsync<SecretRow>(new CommandDefinition(sql, new { id }, cancellationToken: ct)))
            .ToDictionary(s => s.Purpose, s => protector.Unprotect(new ProtectedValue(s.SecretKeyId, s.SecretCiphertext), s.Id), StringComparer.Ordinal);
        var s3 = destination.Kind == BackupDestinationKind.S3
            ? new S3DestinationSettings(destination.S3Bucket!, destination.S3Prefix ?? string.Empty, destination.S3Region!, destination.S3Endpoint,
                destination.S3PathStyle, destination.S3AccessKeyId!, secrets.GetValueOrDefault(S3Secret) ?? string.Empty)
            : null;
        var local = destination.Kind == BackupDestinationKind.Local ? new LocalDestinationSettings(destination.LocalFolder!) : null;
        var key = secrets.TryGetValue(ArchiveKey, out var encoded) ? Convert.FromBase64String(encoded) : null;
        return new BackupStoreSpec(destination.Id, destination.Kind, local, s3, key);
    }

    private async Task WriteSecretAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid destinationId, string purpose, string value, CancellationToken ct)
    {
        const string existing = "SELECT id FROM backup_destination_secrets WHERE destination_id = @destinationId AND purpose = @purpose";
        const string upsert = """
            INSERT INTO backup_destination_secrets (id, destination_id, purpose, secret_ciphertext, secret_key_id)
            VALUES (@id, @destinationId, @purpose, @ciphertext, @keyId)
            ON CONFLICT (id) DO UPDATE SET secret_ciphertext = EXCLUDED.secret_ciphertext, secret_key_id = EXCLUDED.secret_key_id
            """;
        var id = await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition(existing, new { destinationId, purpose }, tx, cancellationToken: ct)) ?? Guid.NewGuid();
        var sealedValue = protector.Protect(value, id);
        await conn.ExecuteAsync(new CommandDefinition(upsert, new { id, destinationId, purpose, ciphertext = sealedValue.Ciphertext, keyId = sealedValue.KeyId }, tx, cancellationToken: ct));
    }

    private static async Task DeleteSecretAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid destinationId, string purpose, CancellationToken ct)
    {
        const string sql = "DELETE FROM backup_destination_secrets WHERE destination_id = @destinationId AND purpose = @purpose";
        await conn.ExecuteAsync(new CommandDefinition(sql, new { destinationId, purpose }, tx, cancellationToken: ct));
    }

    private sealed record SecretRow(Guid Id, string Purpose, byte[] SecretCiphertext, string SecretKeyId);

    private sealed record DestinationRow(Guid Id, string Name, string Kind, string? LocalFolder, string? S3Bucket, string? S3Prefix, string? S3Region,
        string? S3Endpoint, bool S3PathStyle, string? S3AccessKeyId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool EncryptsArchives)
    {
        public BackupDestination ToModel() => new()
        {
            Id = Id,
            Name = Name,
            Kind = Kind == "s3" ? BackupDestinationKind.S3 : BackupDestinationKind.Local,
            LocalFolder = LocalFolder,
            S3Bucket = S3Bucket,
            S3Prefix = S3Prefix,
            S3Region = S3Region,
            S3Endpoint = S3Endpoint is null ? null : new Uri(S3Endpoint),
            S3PathStyle = S3PathStyle,
            S3AccessKeyId = S3AccessKeyId,
            EncryptsArchives = EncryptsArchives,
            CreatedAt = CreatedAt,
            UpdatedAt = UpdatedAt,
        };
    }
}
