using System.Formats.Tar;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using GoForge.Core.Monitoring;
using GoForge.Infrastructure.Docker.Monitoring;
using GoForge.Infrastructure.Monitoring;
using GoForge.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;

namespace GoForge.Tests.Monitoring;

/// <summary>
/// BuildKit's cache on a daemon of this class's own, so that pruning "everything" touches no other test's cache.
/// The engine ignores a label filter on /build/prune (it would remove every record), so records are pruned by id.
/// </summary>
public sealed class BuildCachePruneTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(240);
    private PrivateDockerDaemon? _daemon;

    private PrivateDockerDaemon Daemon => _daemon ?? throw new InvalidOperationException("The private daemon did not start.");

    public async Task InitializeAsync() => _daemon = await PrivateDockerDaemon.StartAsync();

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }
    }

    [Fact]
    public async Task Build_cache_is_left_alone_unless_everything_and_then_exactly_the_confirmed_record_goes()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        using var provider = TestContainers.Provider(Daemon.Endpoint);
        var maintenance = new DockerMaintenance(provider, NullLogger<DockerMaintenance>.Instance);
        await BuildWithBuildKitAsync(timeout.Token);
        var planAll = await maintenance.PlanPruneAsync(PruneKind.BuildCache, everything: true, timeout.Token);
        Assert.True(planAll.Count >= 2, $"a BuildKit build left {planAll.Count} cache records");

        Assert.Empty(await maintenance.PlanPruneAsync(PruneKind.BuildCache, everything: false, timeout.Token));
        var refused = await maintenance.PruneAsync(PruneKind.BuildCache, everything: false, planAll, timeout.Token);
        Assert.Equal(0, refused.Removed);
        Assert.Equal(planAll.Count, refused.Skipped.Count);
        Assert.Equal(planAll.Select(c => c.Id).Order(), (await maintenance.PlanPruneAsync(PruneKind.BuildCache, everything: true, timeout.Token)).Select(c => c.Id).Order());

        // The plan lists the deepest records first; the first is built on by none, so it can go alone.
        var confirmed = planAll[0];
        var outcome = await maintenance.PruneAsync(PruneKind.BuildCache, everything: true, [confirmed], timeout.Token);

        Assert.Equal(1, outcome.Removed);
        Assert.Empty(outcome.Skipped);
        Assert.True(outcome.ReclaimedBytes > 0);
        var left = await maintenance.PlanPruneAsync(PruneKind.BuildCache, everything: true, timeout.Token);
        Assert.Equal(planAll.Skip(1).Select(c => c.Id).Order(), left.Select(c => c.Id).Order());
        var usage = await maintenance.DiskUsageAsync(timeout.Token);
        Assert.Equal(planAll.Count - 1, usage.Lines.Single(l => l.Kind == "Build cache").Total);

        // Confirmed in any order, records built on others go first, so all of them go.
        var rest = await maintenance.PruneAsync(PruneKind.BuildCache, everything: true, [.. left.Reverse()], timeout.Token);

        Assert.Equal(left.Count, rest.Removed);
        Assert.Empty(rest.Skipped);
        Assert.Empty(await maintenance.PlanPruneAsync(PruneKind.BuildCache, everything: true, timeout.Token));
    }

    /// <summary>COPY steps only: BuildKit's RUN would need a bridge network, which this daemon does not have.</summary>
    private async Task BuildWithBuildKitAsync(CancellationToken ct)
    {
        const string Dockerfile = """
            FROM scratch
            COPY busybox /bin/busybox
            COPY Dockerfile /Dockerfile
            """;
        var context = new MemoryStream();
        await using (var tar = new TarWriter(context, TarEntryFormat.Ustar, leaveOpen: true))
        {
            await tar.WriteEntryAsync(new UstarTarEntry(TarEntryType.RegularFile, "Dockerfile") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(Dockerfile)), Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite }, ct);
            await tar.WriteEntryAsync(new UstarTarEntry(TarEntryType.RegularFile, "busybox") { DataStream = File.OpenRead(BusyboxImage.BusyboxPath), Mode = UnixFileMode.UserRead | UnixFileMode.UserExecute }, ct);
        }

        context.Position = 0;

        // Through plain HTTP: Docker.DotNet 4.3.3 cannot read BuildKit's progress messages (their "aux" is a base64
        // string where it expects an object) and fails the build call.
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(Daemon.Endpoint.LocalPath), token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });
        using var body = new StreamContent(context);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        using var response = await http.PostAsync(new Uri("http://docker/build?version=2&networkmode=none&t=goforge-test%2Fbuildkit%3A1"), body, ct);
        var output = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, output);
        Assert.DoesNotContain("\"error\"", output, StringComparison.Ordinal);
    }
}
