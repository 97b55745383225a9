using Npgsql;

namespace GoForge.Tests.Crashes;

/// <summary>
/// What a panel process recorded, read straight from its PostgreSQL database (no GoForge code, no cache): the test's
/// eyes on a process it does not host. States are lower-case, as stored.
/// </summary>
internal sealed class PanelRecords(string connectionString)
{
    public static readonly IReadOnlySet<string> ActiveDeploymentStates = new HashSet<string>(StringComparer.Ordinal) { "pending", "cloning", "building", "deploying" };
    public static readonly IReadOnlySet<string> ActiveServiceStates = new HashSet<string>(StringComparer.Ordinal) { "creating", "pulling", "starting" };

    private const string DeploymentColumns = "SELECT id, state, reason, container_id, source FROM deployments";
    private const string ServiceColumns = "SELECT id, name, state, reason, container_id, version FROM service_instances";

    public async Task<DeploymentRecord> DeploymentAsync(Guid id) =>
        (await DeploymentsAsync(DeploymentColumns + " WHERE id = @id", id)).Single();

    /// <summary>Every deployment of the project's applications, newest first.</summary>
    public Task<IReadOnlyList<DeploymentRecord>> DeploymentsOfProjectAsync(Guid projectId) => DeploymentsAsync(
        DeploymentColumns + " WHERE application_id IN (SELECT id FROM applications WHERE project_id = @id) ORDER BY created_at DESC", projectId);

    public async Task<ServiceRecord> ServiceAsync(Guid id) => (await ServicesAsync(ServiceColumns + " WHERE id = @id", id)).Single();

    public Task<IReadOnlyList<ServiceRecord>> ServicesOfProjectAsync(Guid projectId) => ServicesAsync(ServiceColumns + " WHERE project_id = @id", projectId);

    /// <summary>The operation's state and outcome (queued, running, succeeded, failed, canceled).</summary>
    public async Task<(string State, string? Outcome)> OperationAsync(Guid id)
    {
        await using var conn = await OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT state, outcome FROM service_operations WHERE id = @id", conn);
        cmd.Parameters.AddWithValue("id", id);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no service operation {id}");
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    /// <summary>Whether a line of the deployment's log contains <paramref name="text"/>.</summary>
    public async Task<bool> LogContainsAsync(Guid deploymentId, string text)
    {
        await using var conn = await OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM deployment_log_lines WHERE deployment_id = @id AND strpos(text, @text) > 0)", conn);
        cmd.Parameters.AddWithValue("id", deploymentId);
        cmd.Parameters.AddWithValue("text", text);
        return (bool)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<IReadOnlyList<DeploymentRecord>> DeploymentsAsync(string sql, Guid id)
    {
        await using var conn = await OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue("id", id);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<DeploymentRecord>();
        while (await reader.ReadAsync())
        {
            rows.Add(new DeploymentRecord(reader.GetGuid(0), reader.GetString(1), Text(reader, 2), Text(reader, 3), reader.GetString(4)));
        }

        return rows;
    }

    private async Task<IReadOnlyList<ServiceRecord>> ServicesAsync(string sql, Guid id)
    {
        await using var conn = await OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue("id", id);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<ServiceRecord>();
        while (await reader.ReadAsync())
        {
            rows.Add(new ServiceRecord(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), Text(reader, 3), Text(reader, 4), reader.GetString(5)));
        }

        return rows;
    }

    private static string? Text(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        return conn;
    }
}

internal sealed record DeploymentRecord(Guid Id, string State, string? Reason, string? ContainerId, string Source)
{
    public bool IsActive => PanelRecords.ActiveDeploymentStates.Contains(State);

    public override string ToString() => $"deployment {Id} ({Source}) {State}{(Reason is null ? "" : ": " + Reason)}";
}

internal sealed record ServiceRecord(Guid Id, string Name, string State, string? Reason, string? ContainerId, string Version)
{
    public bool IsActive => PanelRecords.ActiveServiceStates.Contains(State);

    public override string ToString() => $"service {Name} {Version} {State}{(Reason is null ? "" : ": " + Reason)}";
}
