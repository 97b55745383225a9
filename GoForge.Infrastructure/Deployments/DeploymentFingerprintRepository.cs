using Dapper;
using GoForge.Core.Deployments;
using Npgsql;

namespace GoForge.Infrastructure.Deployments;

internal sealed class DeploymentFingerprintRepository(NpgsqlDataSource dataSource) : IDeploymentFingerprints
{
    public async Task RecordBuildAsync(Guid deploymentId, string buildFingerprint, CancellationToken ct = default)
    {
        const string sql = "UPDATE deployments SET build_fingerprint = @buildFingerprint WHERE id = @deploymentId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { deploymentId, buildFingerprint }, cancellationToken: ct));
    }

    public async Task RecordSettingsAsync(Guid deploymentId, string settingsFingerprint, CancellationToken ct = default)
    {
        const string sql = "UPDATE deployments SET settings_fingerprint = @settingsFingerprint WHERE id = @deploymentId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { deploymentId, settingsFingerprint }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<ReusableImage>> ListReusableAsync(Guid applicationId, string buildFingerprint, Guid exceptDeploymentId, CancellationToken ct = default)
    {
        const string sql = """
            SELECT id AS deployment_id, image_tag, commit_message, commit_author
            FROM deployments
            WHERE application_id = @applicationId AND preview_id IS NULL AND build_fingerprint = @buildFingerprint AND id <> @exceptDeploymentId
              AND image_tag IS NOT NULL AND image_pruned_at IS NULL
            ORDER BY created_at DESC, id DESC
            LIMIT 5
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<ReusableImage>(new CommandDefinition(sql, new { applicationId, buildFingerprint, exceptDeploymentId }, cancellationToken: ct))).AsList();
    }
}
