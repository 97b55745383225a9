using Npgsql;

namespace GoForge.Tests.Harness;

[Collection(PostgresCollection.Name)]
public sealed class PostgresFixtureTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Databases_from_CreateDatabaseAsync_are_independent()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = timeout.Token;
        var first = await postgres.CreateDatabaseAsync("harness_first", ct);
        var second = await postgres.CreateDatabaseAsync("harness_second", ct);

        await using (var connection = new NpgsqlConnection(first))
        {
            await connection.OpenAsync(ct);
            await using var create = new NpgsqlCommand("CREATE TABLE only_in_first (id int)", connection);
            await create.ExecuteNonQueryAsync(ct);
            Assert.True(await TableExistsAsync(connection, "only_in_first", ct));
        }

        await using (var connection = new NpgsqlConnection(second))
        {
            await connection.OpenAsync(ct);
            Assert.False(await TableExistsAsync(connection, "only_in_first", ct));
        }

        Assert.NotEqual(new NpgsqlConnectionStringBuilder(first).Database, new NpgsqlConnectionStringBuilder(second).Database);
    }

    [Fact]
    public async Task Select_version_answers_PostgreSQL()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var connectionString = await postgres.CreateDatabaseAsync("harness_version", timeout.Token);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(timeout.Token);
        await using var command = new NpgsqlCommand("SELECT version()", connection);

        var version = (string?)await command.ExecuteScalarAsync(timeout.Token);

        Assert.StartsWith("PostgreSQL ", version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDatabaseAsync_turns_any_prefix_into_a_safe_name()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var connectionString = await postgres.CreateDatabaseAsync("9 Weird\"Name; DROP", timeout.Token);

        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        Assert.Matches("^[a-z][a-z0-9_]*$", name);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(timeout.Token);
    }

    private static async Task<bool> TableExistsAsync(NpgsqlConnection connection, string table, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass(@table) IS NOT NULL", connection);
        command.Parameters.AddWithValue("table", table);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}
