using Dapper;
using GoForge.Core.Deployments;
using Npgsql;

namespace GoForge.Infrastructure.Runtime;

internal sealed class ApplicationRunStateRepository(NpgsqlDataSource dataSource) : IApplicationRunStates
{
    public async Task<ApplicationRunState> GetAsync(Guid applicationId, CancellationToken ct = default)
    {
        const string sql = "SELECT run_state FROM applications WHERE id = @applicationId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var state = await conn.ExecuteScalarAsync<string?>(new CommandDefinition(sql, new { applicationId }, cancellationToken: ct));
        return state == "stopped" ? ApplicationRunState.Stopped : ApplicationRunState.Running;
    }

    public async Task SetAsync(Guid applicationId, ApplicationRunState state, CancellationToken ct = default)
    {
        const string sql = "UPDATE applications SET run_state = @state WHERE id = @applicationId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { applicationId, state = ToDb(state) }, cancellationToken: ct));
    }

    public async Task<IReadOnlySet<Guid>> ListStoppedAsync(CancellationToken ct = default)
    {
        const string sql = "SELECT id FROM applications WHERE run_state = 'stopped'";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Guid>(new CommandDefinition(sql, cancellationToken: ct))).ToHashSet();
    }

    private static string ToDb(ApplicationRunState state) => state switch
    {
        ApplicationRunState.Running => "running",
        ApplicationRunState.Stopped => "stopped",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}
