using GoForge.Infrastructure.Persistence;
using GoForge.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace GoForge.Tests.Persistence;

[Collection(PostgresCollection.Name)]
public sealed class DatabaseMigratorTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Migrate_on_an_empty_database_creates_the_schema_and_journals_every_script()
    {
        var connectionString = await postgres.CreateDatabaseAsync("migrate");
        var migrator = new DatabaseMigrator(new DatabaseConnectionString(connectionString), NullLogger<DatabaseMigrator>.Instance);

        Assert.Contains("0001_initial_schema.sql", migrator.PendingScripts());
        var applied = migrator.Migrate();

        Assert.Contains("0001_initial_schema.sql", applied);
        var tables = await QueryAsync(connectionString, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
        Assert.Contains("users", tables);
        Assert.Contains("user_sessions", tables);
        Assert.Contains("audit_events", tables);
        Assert.Contains("schema_versions", tables);
        Assert.Equal(applied.Count, (await QueryAsync(connectionString, "SELECT scriptname FROM schema_versions")).Count);
    }

    [Fact]
    public async Task Migrate_a_second_time_runs_nothing_and_keeps_the_data()
    {
        var connectionString = await postgres.CreateDatabaseAsync("migrate_twice");
        var migrator = new DatabaseMigrator(new DatabaseConnectionString(connectionString), NullLogger<DatabaseMigrator>.Instance);
        migrator.Migrate();
        await ExecuteAsync(connectionString, """
            INSERT INTO users (id, login, display_name, role, created_at, updated_at)
            VALUES (gen_random_uuid(), 'kept', 'Kept', 'member', now(), now())
            """);

        var second = new DatabaseMigrator(new DatabaseConnectionString(connectionString), NullLogger<DatabaseMigrator>.Instance);
        Assert.Empty(second.PendingScripts());
        Assert.Empty(second.Migrate());
        Assert.Equal(["kept"], await QueryAsync(connectionString, "SELECT login FROM users"));
    }

    [Fact]
    public async Task Migrate_against_an_unreachable_server_fails_with_a_clear_error()
    {
        var migrator = new DatabaseMigrator(
            new DatabaseConnectionString("Host=127.0.0.1;Port=1;Username=postgres;Database=none;Timeout=2"),
            NullLogger<DatabaseMigrator>.Instance);

        var error = Assert.ThrowsAny<Exception>(() => migrator.Migrate());
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    private static async Task<List<string>> QueryAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
