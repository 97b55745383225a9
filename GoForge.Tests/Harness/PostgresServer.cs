using System.Diagnostics.CodeAnalysis;
using Npgsql;

namespace GoForge.Tests.Harness;

[CollectionDefinition(Name)]
[SuppressMessage("Naming", "CA1711", Justification = "xunit's naming for collection definitions.")]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}

/// <summary>
/// A real PostgreSQL for the test run: the server named by <c>GOFORGE_TEST_POSTGRES</c> (an Npgsql connection string
/// allowed to create databases), else a throwaway cluster started here and removed at the end.
/// Tests isolate themselves with a fresh database each from <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string ServerVariable = "GOFORGE_TEST_POSTGRES";

    private readonly List<string> _createdDatabases = [];
    private PostgresCluster? _cluster;
    private ExitGuard? _exitGuard;
    private string? _adminConnectionString;

    /// <summary>A superuser connection string to the server's <c>postgres</c> database.</summary>
    public string AdminConnectionString =>
        _adminConnectionString ?? throw new InvalidOperationException("The PostgreSQL fixture is not initialized.");

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable(ServerVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            _adminConnectionString = external;
            return;
        }

        _cluster = await PostgresCluster.StartAsync();
        _exitGuard = new ExitGuard(_cluster.StopAsync);
        _adminConnectionString = _cluster.AdminConnectionString;
    }

    /// <summary>Creates an empty database named from <paramref name="prefix"/> plus a random suffix and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix, CancellationToken ct = default)
    {
        var name = UniqueDatabaseName(prefix);
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync(ct);
            // The name is built from [a-z0-9_] only, so quoting it is enough; identifiers cannot be parameters.
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(ct);
        }

        lock (_createdDatabases)
        {
            _createdDatabases.Add(name);
        }

        // Idle pooled connections of finished tests close within seconds instead of holding server slots for minutes.
        return new NpgsqlConnectionStringBuilder(AdminConnectionString)
        {
            Database = name,
            ConnectionIdleLifetime = 10,
            ConnectionPruningInterval = 5,
        }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        // Pooled idle connections would keep the databases busy.
        NpgsqlConnection.ClearAllPools();
        if (_exitGuard is not null)
        {
            // The whole throwaway cluster goes, databases included.
            await _exitGuard.RunAsync();
            _exitGuard.Dispose();
            return;
        }

        if (_adminConnectionString is not null)
        {
            await DropCreatedDatabasesAsync();
        }
    }

    private async Task DropCreatedDatabasesAsync()
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        foreach (var name in _createdDatabases)
        {
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private static string UniqueDatabaseName(string prefix)
    {
        var cleaned = new string(prefix.ToLowerInvariant()
            .Where(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_')
            .Take(40)
            .ToArray());
        if (cleaned.Length == 0 || !char.IsAsciiLetter(cleaned[0]))
        {
            cleaned = "db_" + cleaned;
        }

        return $"{cleaned}_{Guid.NewGuid():N}"[..(cleaned.Length + 13)];
    }
}
