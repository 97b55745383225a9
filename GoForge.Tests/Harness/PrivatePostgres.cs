using Npgsql;

namespace GoForge.Tests.Harness;

/// <summary>
/// A PostgreSQL cluster of one test's own, with one database, for tests that stop and start the server (the shared
/// <see cref="PostgresFixture"/> serves every other test and never goes away). Stopped and removed on dispose, also when
/// the test host is interrupted.
/// </summary>
internal sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly ExitGuard _exitGuard;

    private PrivatePostgres(PostgresCluster cluster, ExitGuard exitGuard, string connectionString)
    {
        Cluster = cluster;
        _exitGuard = exitGuard;
        ConnectionString = connectionString;
    }

    /// <summary>The server, to pause and resume.</summary>
    public PostgresCluster Cluster { get; }

    public string ConnectionString { get; }

    public static async Task<PrivatePostgres> StartAsync(string database)
    {
        var cluster = await PostgresCluster.StartAsync();
        var exitGuard = new ExitGuard(cluster.StopAsync);
        try
        {
            return new PrivatePostgres(cluster, exitGuard, await cluster.CreateDatabaseAsync(database));
        }
        catch
        {
            await exitGuard.RunAsync();
            exitGuard.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Idle pooled connections to a server that is going away; other tests' pools are not this one's to clear.
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        await _exitGuard.RunAsync();
        _exitGuard.Dispose();
    }
}
