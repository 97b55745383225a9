using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace GoForge.Tests.Harness;

/// <summary>
/// A fresh dockerd of one test's own WITH networking, for tests that run a whole production stack (compose networks,
/// published ports, masquerading). It runs in a network namespace of its own (<see cref="DockerdProcess"/>), so its
/// default bridge, user networks and iptables rules live in that namespace and never touch the shared daemon's or the
/// host's. A veth pair links the namespace to the host on a private /30 from 10.79.0.0/16 (never the shared daemon's
/// 10.213.0.0/16 pool): <see cref="Address"/> is the namespace's end (ports its containers publish answer there),
/// <see cref="HostAddress"/> the host's end, which containers reach through dockerd's masquerading. Nothing else is
/// routed: no internet, no registry. Images come from another engine through <see cref="LoadImageAsync"/>.
/// </summary>
/// <remarks>
/// <see cref="DisposeAsync"/> removes the containers, stops dockerd, deletes the veth pair, unmounts and deletes the
/// folder; it also runs when the test host is interrupted (<see cref="ExitGuard"/>). Needs root, dockerd, unshare,
/// nsenter, ip and iptables.
/// </remarks>
public sealed class NetworkedDockerDaemon : IAsyncDisposable
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RemoveTimeout = TimeSpan.FromSeconds(60);

    private readonly DockerdProcess _dockerd;
    private readonly ExitGuard _exitGuard;
    private readonly string _hostLink;
    private readonly string _namespaceLink;

    private NetworkedDockerDaemon(DockerdProcess dockerd, int block)
    {
        _dockerd = dockerd;
        var suffix = Path.GetFileName(dockerd.RootDirectory)[^8..];
        // Interface names are at most 15 bytes.
        _hostLink = $"gfh{suffix}";
        _namespaceLink = $"gfn{suffix}";
        var third = block / 64;
        var fourth = block % 64 * 4;
        HostAddress = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"10.79.{third}.{fourth + 1}"));
        Address = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"10.79.{third}.{fourth + 2}"));
        _exitGuard = new ExitGuard(CleanUpAsync);
    }

    /// <summary>The daemon's socket, <c>unix:///tmp/gf-netd-…/docker.sock</c>.</summary>
    public Uri Endpoint => _dockerd.Endpoint;

    public DockerClient Client => _dockerd.Client;

    /// <summary>The folder holding everything the daemon keeps (deleted on dispose).</summary>
    public string RootDirectory => _dockerd.RootDirectory;

    /// <summary>The engine's network namespace address, reachable from the host: ports published by its containers answer here.</summary>
    public IPAddress Address { get; }

    /// <summary>The host's end of the link, reachable from containers of this engine (a host listener on it or on 0.0.0.0).</summary>
    public IPAddress HostAddress { get; }

    /// <summary>Starts a fresh daemon with bridge networking, links it to the host, and returns once it answers a ping.</summary>
    public static async Task<NetworkedDockerDaemon> StartAsync(CancellationToken ct = default)
    {
        foreach (var tool in new[] { "ip", "nsenter", "iptables" })
        {
            if (HostSystem.FindOnPath(tool) is null)
            {
                throw new InvalidOperationException($"A networked private dockerd needs {tool} on the PATH: apt-get install -y iproute2 util-linux iptables.");
            }
        }

        var daemon = new NetworkedDockerDaemon(
            DockerdProcess.Create("gf-netd",
            [
                // Bridge, iptables, forwarding and masquerading are dockerd's defaults: inside the namespace they are this engine's alone.
                "--shutdown-timeout=5",
            ]),
            await FreeBlockAsync(ct));
        try
        {
            await daemon._dockerd.LaunchAsync();
            await daemon.LinkAsync(ct);
            return daemon;
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }
    }

    /// <summary>Copies an image from another engine into this one (Engine API save, streamed into load).</summary>
    public Task LoadImageAsync(DockerClient from, string image, CancellationToken ct) => LoadImagesAsync(from, [image], ct);

    /// <summary>
    /// Copies several images in one save/load stream: layers they share (the Debian base of the production images)
    /// cross once.
    /// </summary>
    public async Task LoadImagesAsync(DockerClient from, IReadOnlyList<string> images, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(images);
        await using var saved = await from.Images.SaveImagesAsync([.. images], ct);
        var log = new DockerBuildLog();
        await Client.Images.LoadImageAsync(new ImageLoadParameters { Quiet = true }, saved, log, ct);
        if (log.Error is not null)
        {
            throw new InvalidOperationException($"Loading {string.Join(", ", images)} into {Endpoint} failed: {log.Error}\n{log}");
        }

        foreach (var image in images)
        {
            // Throws (404) if the load silently left one out.
            await Client.Images.InspectImageAsync(image, ct);
        }
    }

    /// <summary>The last lines dockerd wrote, for failure messages.</summary>
    public string LogTail(int lines = 40) => _dockerd.LogTail(lines);

    public async ValueTask DisposeAsync()
    {
        await _exitGuard.RunAsync();
        _exitGuard.Dispose();
        Client.Dispose();
    }

    /// <summary>
    /// A /30 of 10.79.0.0/16 no interface of the host uses (index 0–16383). Random, so concurrent test hosts do not
    /// pick the same; the addresses in use are checked, as an interrupted run's link may still be there.
    /// </summary>
    private static async Task<int> FreeBlockAsync(CancellationToken ct)
    {
        var used = (await ProcessRunner.RunAsync("ip", ["-o", "-4", "addr", "show"], ToolTimeout, ct: ct)).EnsureSuccess().StandardOutput;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var block = RandomNumberGenerator.GetInt32(16384);
            var prefix = string.Create(CultureInfo.InvariantCulture, $"10.79.{block / 64}.");
            var fourth = block % 64 * 4;
            if (!Enumerable.Range(fourth, 4).Any(n => used.Contains($" {prefix}{n.ToString(CultureInfo.InvariantCulture)}/", StringComparison.Ordinal)))
            {
                return block;
            }
        }

        throw new InvalidOperationException("No free /30 in 10.79.0.0/16 after 100 tries.");
    }

    private async Task LinkAsync(CancellationToken ct)
    {
        var pid = _dockerd.Pid.ToString(CultureInfo.InvariantCulture);
        await RunAsync("ip", ["link", "add", _hostLink, "type", "veth", "peer", "name", _namespaceLink], ct);
        await RunAsync("ip", ["link", "set", _namespaceLink, "netns", pid], ct);
        await RunAsync("ip", ["addr", "add", $"{HostAddress}/30", "dev", _hostLink], ct);
        await RunAsync("ip", ["link", "set", _hostLink, "up"], ct);
        await RunAsync("nsenter", ["-t", pid, "-n", "ip", "addr", "add", $"{Address}/30", "dev", _namespaceLink], ct);
        await RunAsync("nsenter", ["-t", pid, "-n", "ip", "link", "set", _namespaceLink, "up"], ct);
        await RunAsync("nsenter", ["-t", pid, "-n", "ip", "link", "set", "lo", "up"], ct);
    }

    private static async Task RunAsync(string tool, string[] arguments, CancellationToken ct) =>
        (await ProcessRunner.RunAsync(tool, arguments, ToolTimeout, ct: ct)).EnsureSuccess();

    /// <summary>Runs once, from DisposeAsync or when the test host is interrupted. Each step runs even if one before failed.</summary>
    private async Task CleanUpAsync()
    {
        var problems = new List<string>();
        if (_dockerd.IsRunning)
        {
            try
            {
                using var timeout = new CancellationTokenSource(RemoveTimeout);
                var containers = await Client.Containers.ListContainersAsync(new ContainersListParameters { All = true }, timeout.Token);
                foreach (var container in containers)
                {
                    await Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, timeout.Token);
                }
            }
            catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException or OperationCanceledException)
            {
                problems.Add($"containers could not be removed: {e.Message}");
            }
        }

        await _dockerd.CleanUpAsync(problems);

        // The pair goes with the namespace once its last process is gone; deleted here should anything hold it.
        if ((await ProcessRunner.RunAsync("ip", ["link", "show", _hostLink], ToolTimeout)).ExitCode == 0)
        {
            var deleted = await ProcessRunner.RunAsync("ip", ["link", "del", _hostLink], ToolTimeout);
            if (deleted.ExitCode != 0)
            {
                problems.Add($"ip link del {_hostLink}: {deleted.StandardError.Trim()}");
            }
        }

        if (problems.Count > 0)
        {
            // Not thrown: a clean-up failure must not hide the failure of the test that ran before it.
            await Console.Error.WriteLineAsync($"Networked dockerd clean-up: {string.Join("; ", problems)}");
        }
    }
}
