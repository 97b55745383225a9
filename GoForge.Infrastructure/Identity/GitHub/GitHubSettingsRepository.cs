using Dapper;
using GoForge.Core.Identity.GitHub;
using GoForge.Core.Secrets;
using Npgsql;

namespace GoForge.Infrastructure.Identity.GitHub;

/// <summary>
/// The one row of GitHub settings saved on the Settings page. The client secret is encrypted here, at the repository
/// boundary, bound to the row's id; the table never holds it in plain text (an empty secret is encrypted too, so the
/// columns are never null and key rotation and the start-up check treat the row like any other).
/// </summary>
internal sealed class GitHubSettingsRepository(NpgsqlDataSource dataSource, ISecretProtector protector) : IGitHubSettingsRepository
{
    /// <summary>The row's fixed id ("github" in its last six bytes), which the schema checks and the secret is bound to.</summary>
    internal static readonly Guid RowId = new("00000000-0000-0000-0000-676974687562");

    public async Task<GitHubSettings?> GetAsync(CancellationToken ct = default)
    {
        const string sql = """
            SELECT enabled, client_id, client_secret_ciphertext, client_secret_key_id, base_url, api_url, allow_sign_up, updated_at
            FROM github_sign_in_settings WHERE id = @id
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<SettingsRow>(new CommandDefinition(sql, new { id = RowId }, cancellationToken: ct));
        return row is null ? null : new GitHubSettings
        {
            Enabled = row.Enabled,
            ClientId = row.ClientId,
            ClientSecret = protector.Unprotect(new ProtectedValue(row.ClientSecretKeyId, row.ClientSecretCiphertext), RowId),
            BaseUrl = new Uri(row.BaseUrl),
            ApiUrl = new Uri(row.ApiUrl),
            AllowSignUp = row.AllowSignUp,
            Origin = GitHubSettingsOrigin.Panel,
            UpdatedAt = row.UpdatedAt,
        };
    }

    public async Task SaveAsync(GitHubSettings settings, Guid updatedBy, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        const string sql = """
            INSERT INTO github_sign_in_settings
                (id, enabled, client_id, client_secret_ciphertext, client_secret_key_id, base_url, api_url, allow_sign_up, updated_at, updated_by)
            VALUES (@id, @enabled, @clientId, @ciphertext, @keyId, @baseUrl, @apiUrl, @allowSignUp, @now, @updatedBy)
            ON CONFLICT (id) DO UPDATE SET
                enabled = excluded.enabled, client_id = excluded.client_id,
                client_secret_ciphertext = excluded.client_secret_ciphertext, client_secret_key_id = excluded.client_secret_key_id,
                base_url = excluded.base_url, api_url = excluded.api_url, allow_sign_up = excluded.allow_sign_up,
                updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """;
        var secret = protector.Protect(settings.ClientSecret, RowId);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            id = RowId,
            enabled = settings.Enabled,
            clientId = settings.ClientId,
            ciphertext = secret.Ciphertext,
            keyId = secret.KeyId,
            baseUrl = settings.BaseUrl.AbsoluteUri,
            apiUrl = settings.ApiUrl.AbsoluteUri,
            allowSignUp = settings.AllowSignUp,
            now,
            updatedBy,
        }, cancellationToken: ct));
    }

    public async Task<bool> DeleteAsync(CancellationToken ct = default)
    {
        const string sql = "DELETE FROM github_sign_in_settings WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id = RowId }, cancellationToken: ct)) == 1;
    }

    private sealed record SettingsRow(
        bool Enabled, string ClientId, byte[] ClientSecretCiphertext, string ClientSecretKeyId, string BaseUrl, string ApiUrl, bool AllowSignUp, DateTimeOffset UpdatedAt);
}
