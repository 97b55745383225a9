using GoForge.Tests.Harness;
using Docker.DotNet.Models;
using Npgsql;

namespace GoForge.Tests.Production;

/// <summary>
/// The PostgreSQL image built for the production-stack test honours the official image's environment, so the compose
/// file users run is the one CI runs: POSTGRES_USER/PASSWORD/DB make that role and database, and the server answers
/// from the network with that password only.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class PostgresImageTests(DockerFixture docker)
{
    private const string User = "gf_owner";
    private const string Database = "gf_data";
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task The_environment_creates_its_role_and_database_reachable_with_its_password_only()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var image = await LocalImages.PostgresAsync(docker.Client, timeout.Token);
        await using var engine = await NetworkedDockerDaemon.StartAsync(timeout.Token);
        await engine.LoadImageAsync(docker.Client, image, timeout.Token);
        var created = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            Env = [$"POSTGRES_USER={User}", $"POSTGRES_PASSWORD={Password}", $"POSTGRES_DB={Database}"],
            ExposedPorts = new Dictionary<string, EmptyStruct> { ["5432/tcp"] = default },
            HostConfig = new HostConfig
            {
                // A fixed port: it is published in the engine's own namespace, where nothing else listens.
                PortBindings = new Dictionary<string, IList<PortBinding>> { ["5432/tcp"] = [new PortBinding { HostPort = "5432" }] },
            },
        }, timeout.Token);
        await engine.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), timeout.Token);

        var (user, database) = await WhoAmIAsync(engine, Password, timeout.Token);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => WhoAmIOnceAsync(engine, "wrong password", timeout.Token));

        Assert.Equal((User, Database), (user, database));
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
    }

    /// <summary>Connects once the server is up (first start initialises the cluster, then restarts it to listen).</summary>
    private static async Task<(string User, string Database)> WhoAmIAsync(NetworkedDockerDaemon engine, string password, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                return await WhoAmIOnceAsync(engine, password, ct);
            }
            catch (Exception e) when (e is NpgsqlException and not PostgresException || e is PostgresException { SqlState: PostgresErrorCodes.CannotConnectNow })
            {
                await Task.Delay(200, ct);
            }
        }
    }

    private static async Task<(string User, string Database)> WhoAmIOnceAsync(NetworkedDockerDaemon engine, string password, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = engine.Address.ToString(),
            Port = 5432,
            Username = User,
            Password = password,
            Database = Database,
            Pooling = false,
            Timeout = 5,
        };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT current_user, current_database()", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetString(0), reader.GetString(1));
    }
}
