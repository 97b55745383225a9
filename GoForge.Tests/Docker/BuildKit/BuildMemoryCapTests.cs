using GoForge.Core.Containers;
using GoForge.Infrastructure.Docker;
using GoForge.Infrastructure.Docker.BuildKit;
using GoForge.Tests.Harness;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Docker.BuildKit;

/// <summary>
/// The build memory cap on an engine of this class's own, started with a cgroup parent of its own, so the limit written
/// to its BuildKit cgroup (<c>&lt;parent&gt;/buildkit</c>) touches no other test's builds. Its RUN steps have no network
/// (the daemon has no bridge). The cgroups dockerd made are removed afterwards.
/// </summary>
public sealed class BuildMemoryCapTests : IAsyncLifetime
{
    private const int LimitMiB = 64;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _cgroupParent = "/goforge-test-" + Guid.NewGuid().ToString("N")[..10];
    private PrivateDockerDaemon? _daemon;

    private PrivateDockerDaemon Daemon => _daemon ?? throw new InvalidOperationException("The private daemon did not start.");

    public async Task InitializeAsync() => _daemon = await PrivateDockerDaemon.StartAsync("--cgroup-parent", _cgroupParent);

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }

        // Children first: a cgroup folder goes only when empty.
        foreach (var controller in Directory.EnumerateDirectories("/sys/fs/cgroup"))
        {
            var parent = Path.Combine(controller, _cgroupParent.TrimStart('/'));
            if (!Directory.Exists(parent))
            {
                continue;
            }

            foreach (var folder in Directory.EnumerateDirectories(parent, "*", SearchOption.AllDirectories).OrderByDescending(f => f.Length).Append(parent))
            {
                Directory.Delete(folder);
            }
        }
    }

    [Fact]
    public async Task A_RUN_step_over_the_build_memory_cap_fails_saying_the_build_ran_out_of_memory()
    {
        using var folder = AppContextFolder.Create("""
            FROM scratch
            COPY busybox /bin/busybox
            RUN ["/bin/busybox", "--install", "-s", "/bin"]
            RUN echo within the cap && dd if=/dev/zero of=/dev/null bs=16M count=1
            RUN dd if=/dev/zero of=/dev/null bs=200M count=1
            """);
        using var provider = new DockerClientProvider(Options.Create(new DockerOptions { Endpoint = Daemon.Endpoint }));
        var builder = BuildKitImageBuilderTests.Create(provider, new BuildKitOptions
        {
            MemoryLimitMiB = LimitMiB,
            EngineCgroupParent = _cgroupParent,
            Network = "none",
        });
        var log = new LineLog();
        using var timeout = new CancellationTokenSource(Timeout);

        var e = await Assert.ThrowsAsync<EngineException>(() =>
            builder.BuildAsync(new ImageBuildRequest(folder.Path, "Dockerfile", Unique.Tag("bk-oom"), new Dictionary<string, string>(), new Dictionary<string, string>()), log, timeout.Token));

        Assert.StartsWith($"the build ran out of memory (limit {LimitMiB} MiB, GoForge:Builds:MemoryLimitMiB)", e.Message, StringComparison.Ordinal);
        Assert.Contains("dd if=/dev/zero of=/dev/null bs=200M", e.Message, StringComparison.Ordinal);
        // The step within the cap ran: the limit is the cap's, not a build that cannot run at all.
        Assert.Contains("within the cap", log.Lines);
    }
}
