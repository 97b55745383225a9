using System.Security.Cryptography;
using GoForge.Core.Deployments;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Deployments;

/// <summary>
/// The work folder's disk fills during a clone: the work folder is a 2 MB tmpfs (the test mounts it, and unmounts it
/// even when it fails), and the repository is bigger than that.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class WorkFolderDiskFullTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>
{
    private const long DiskBytes = 2 * 1024 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_clone_that_fills_the_work_folders_disk_fails_saying_so_and_leaves_no_partial_clone()
    {
        await using var scenario = await DeployScenario.StartAsync(postgres, docker, "diskfull");
        await using var disk = await TmpfsMount.MountAsync(Path.Combine(scenario.Root, "work"), DiskBytes);
        // Random bytes do not compress: the pack alone is bigger than the disk.
        scenario.Repository.Commit("too big for the work folder", SampleDockerfiles.ServesIndex(scenario.Nonce), new Dictionary<string, string>
        {
            ["index.html"] = "hello\n",
            ["noise.txt"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(3 * 1024 * 1024)),
        });
        var app = await scenario.CreateApplicationAsync(scenario.Actor, "diskfull");

        var queued = (await scenario.App.Get<DeploymentService>().EnqueueAsync(scenario.Actor, app.Id)).Value!;
        var ended = await scenario.UntilSettledAsync(queued.Id, Timeout);

        var log = string.Join('\n', (await scenario.App.Get<IDeploymentRepository>().ListLogAsync(queued.Id, 0, 10_000)).Select(l => l.Text));
        Assert.True(ended.State == DeploymentState.Failed, $"the deployment ended {ended.State}\n{log}");
        Assert.StartsWith("no space left on the work folder's disk", ended.Reason, StringComparison.Ordinal);
        Assert.Contains("Failed: no space left on the work folder's disk", log, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(disk.Path));

        // The disk is usable again at once: what filled it is gone.
        await File.WriteAllBytesAsync(Path.Combine(disk.Path, "probe"), new byte[DiskBytes / 2]);
        File.Delete(Path.Combine(disk.Path, "probe"));
    }
}
