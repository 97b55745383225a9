using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Production;

/// <summary>
/// GoForge's own image, deploy/Dockerfile built for real (<see cref="LocalImages.PanelAsync"/>; the first test of a
/// machine builds it, the others find it): its CLI runs, pg_dump matches the compose file's PostgreSQL 17, it runs as
/// uid 10001 and owns /data, and the host's bin/ and obj/ never reach the build (/.dockerignore).
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class PanelImageTests(DockerFixture docker)
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(30);

    [Fact]
    public async Task The_panel_image_runs_the_cli_verbs_of_its_entrypoint()
    {
        var image = await PanelAsync();

        var (exit, output) = await RunAsync(image, ["/app/GoForge.Web"], ["--help"]);

        Assert.Equal(0, exit);
        Assert.Contains("backup", output, StringComparison.Ordinal);
        Assert.Contains("restore", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_panel_image_has_pg_dump_and_pg_restore_of_postgresql_17()
    {
        var image = await PanelAsync();

        var dump = await RunAsync(image, ["pg_dump"], ["--version"]);
        var restore = await RunAsync(image, ["pg_restore"], ["--version"]);

        Assert.Matches(@"\(PostgreSQL\) 17\.", dump.Output);
        Assert.Matches(@"\(PostgreSQL\) 17\.", restore.Output);
    }

    [Fact]
    public async Task The_panel_runs_as_uid_10001_and_owns_its_data_folders()
    {
        var image = await PanelAsync();

        var (_, user) = await RunAsync(image, ["id"], ["-u"]);
        var (exit, owners) = await RunAsync(image, ["stat"], ["-c", "%n %u:%g", "/data", "/data/work", "/data/backups", "/data/traefik"]);

        Assert.Equal("10001", user.Trim());
        Assert.Equal(0, exit);
        Assert.Equal(
            ["/data 10001:10001", "/data/work 10001:10001", "/data/backups 10001:10001", "/data/traefik 10001:10001"],
            owners.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Files_in_the_hosts_bin_and_obj_folders_never_reach_the_image_build()
    {
        await PanelAsync();
        var marker = $"dockerignore-marker-{Guid.NewGuid():N}";
        var markers = new[] { "obj", "bin" }.Select(folder => RepositoryFiles.PathOf("GoForge.Web", folder, marker)).ToList();
        try
        {
            foreach (var path in markers)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, "from the host");
            }

            // The build stage holds everything the context gave it; with the markers ignored its layers come from the cache.
            const string stage = "goforge-test/panel-build:ci";
            using var timeout = new CancellationTokenSource(BuildTimeout);
            await LocalImages.BuildPanelAsync(docker.Client, stage, target: "build", inputs: "build-stage", timeout.Token);

            var (_, found) = await RunAsync(stage, ["find"], ["/src", "-name", marker]);
            var (sourceExit, _) = await RunAsync(stage, ["test"], ["-f", "/src/GoForge.Web/Program.cs"]);

            Assert.Equal(0, sourceExit);
            Assert.Equal(string.Empty, found.Trim());
        }
        finally
        {
            foreach (var path in markers)
            {
                File.Delete(path);
            }
        }
    }

    private async Task<string> PanelAsync()
    {
        using var timeout = new CancellationTokenSource(BuildTimeout);
        return await LocalImages.PanelAsync(docker.Client, timeout.Token);
    }

    private async Task<(long ExitCode, string Output)> RunAsync(string image, IList<string> entrypoint, IList<string> command)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await OneShotContainer.RunAsync(docker.Client, image, entrypoint, command, timeout.Token);
    }
}
