using System.Security.Cryptography;
using Docker.DotNet.Models;
using GoForge.Tests.Harness;

namespace GoForge.Tests.Production;

/// <summary>
/// The documented backup of the production stack works in the image: the panel's container, as uid 10001, dumps the
/// database of the PostgreSQL 17 container with its own pg_dump into /data/backups. Both images on a fresh
/// <see cref="NetworkedDockerDaemon"/>, on one user network, as the compose file runs them.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class PanelContainerBackupTests(DockerFixture docker)
{
    private const string Password = "backup-test-password";

    [Fact]
    public async Task The_panel_container_backs_up_the_postgres_17_container_into_data_backups()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        var ct = timeout.Token;
        var postgres = await LocalImages.PostgresAsync(docker.Client, ct);
        var panel = await LocalImages.PanelAsync(docker.Client, ct);
        await using var engine = await NetworkedDockerDaemon.StartAsync(ct);
        await engine.LoadImagesAsync(docker.Client, [postgres, panel], ct);
        await engine.Client.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = "internal" }, ct);
        var database = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = postgres,
            Name = "postgres",
            Env = ["POSTGRES_USER=goforge", $"POSTGRES_PASSWORD={Password}", "POSTGRES_DB=goforge"],
            HostConfig = new HostConfig { NetworkMode = "internal" },
        }, ct);
        await engine.Client.Containers.StartContainerAsync(database.ID, new ContainerStartParameters(), ct);

        // The panel migrates at start; then the CLI's verb, as `docker exec <panel> /app/GoForge.Web backup ...` runs it: the image's user, entrypoint and environment.
        var backup = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = panel,
            Entrypoint = ["/bin/sh", "-c", """
                for i in $(seq 1 60); do pg_isready -q -h postgres && break; sleep 0.5; done
                /app/GoForge.Web migrate
                /app/GoForge.Web backup --output /data/backups/goforge.dump && stat -c '%u %s' /data/backups/goforge.dump
                """],
            Env =
            [
                $"ConnectionStrings__GoForge=Host=postgres;Database=goforge;Username=goforge;Password={Password}",
                $"GoForge__SecretKey={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}",
            ],
            HostConfig = new HostConfig { NetworkMode = "internal" },
        }, ct);
        await engine.Client.Containers.StartContainerAsync(backup.ID, new ContainerStartParameters(), ct);
        var exit = await engine.Client.Containers.WaitContainerAsync(backup.ID, ct);
        using var logs = await engine.Client.Containers.GetContainerLogsAsync(backup.ID, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, ct);
        var (stdout, stderr) = await logs.ReadOutputToEndAsync(ct);

        Assert.True(exit.StatusCode == 0, $"backup exited with {exit.StatusCode}:\n{stdout}\n{stderr}");
        Assert.Contains("Backup written to /data/backups/goforge.dump", stdout, StringComparison.Ordinal);
        var owner = stdout.Trim().Split('\n')[^1].Split(' ');
        Assert.Equal("10001", owner[0]);
        Assert.True(long.Parse(owner[1], System.Globalization.CultureInfo.InvariantCulture) > 0, stdout);
    }
}
