using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace GoForge.Tests.Harness;

/// <summary>
/// A real Docker Swarm on one machine (issue 24): one manager and <c>workers</c> workers, each a dockerd of its own in
/// a network namespace of its own (<see cref="DockerdProcess"/>), their veth pairs joined on one bridge of the host, on
/// a /24 of 10.78.0.0/16 that the cluster owns (the bridge takes .1, node i takes .10+i). A FORWARD rule lets the
/// bridge carry the nodes' traffic to each other (the host's policy is DROP once a dockerd ran on it); nothing else is
/// routed: no internet, no registry. Images come from another engine through <see cref="LoadImagesAsync"/>.
/// </summary>
/// <remarks>
/// <see cref="DisposeAsync"/> (also run when the test host is interrupted, <see cref="ExitGuard"/>) stops every dockerd,
/// deletes the veth pairs, the bridge and the FORWARD rule, and the daemons' folders. A node's dockerd can be killed
/// (<see cref="SwarmNode.KillAsync"/>) to lose it as a crash would. Needs root, dockerd, unshare, nsenter, ip and iptables.
/// </remarks>
public sealed class SwarmCluster : IAsyncDisposable
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromMinutes(2);

    private readonly string _bridge;
    private readonly string _subnet;
    private readonly List<SwarmNode> _nodes = [];
    private readonly ExitGuard _exitGuard;
    private bool _bridgeCreated;
    private bool _forwarding;

    private SwarmCluster(int block)
    {
        _subnet = string.Create(CultureInfo.InvariantCulture, $"10.78.{block}");
        _bridge = $"gfsw{RandomNumberGenerator.GetHexString(8, lowercase: true)}";
        _exitGuard = new ExitGuard(CleanUpAsync);
    }

    /// <summary>The nodes, the manager first.</summary>
    public IReadOnlyList<SwarmNode> Nodes => _nodes;

    public SwarmNode Manager => _nodes[0];

    public IEnumerable<SwarmNode> Workers => _nodes.Skip(1);

    /// <summary>The host's address on the cluster's bridge: a listener of the host on it (or on 0.0.0.0) is reachable from the nodes.</summary>
    public IPAddress HostAddress => IPAddress.Parse($"{_subnet}.1");

    /// <summary>
    /// Starts the daemons and links them; with <paramref name="form"/>, makes the first the manager (<c>swarm init</c> on
    /// its own address) and joins the others as workers, and returns when the manager lists every node ready. Without
    /// it, the engines are left out of any swarm (for a test of GoForge's own <c>swarm init</c>).
    /// </summary>
    public static async Task<SwarmCluster> StartAsync(int workers, CancellationToken ct, bool form = true)
    {
        foreach (var tool in new[] { "ip", "nsenter", "iptables" })
        {
            if (HostSystem.FindOnPath(tool) is null)
            {
                throw new InvalidOperationException($"A swarm of private dockerds needs {tool} on the PATH: apt-get install -y iproute2 util-linux iptables.");
            }
        }

        var cluster = new SwarmCluster(await FreeBlockAsync(ct));
        try
        {
            await cluster.CreateBridgeAsync(ct);
            // The daemons start one after the other: two cores, and each start is seconds of work.
            for (var i = 0; i <= workers; i++)
            {
                await cluster.AddNodeAsync(i, ct);
            }

            if (form)
            {
                await cluster.FormAsync(ct);
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Copies images from another engine into every node (one save/load stream per node).</summary>
    public async Task LoadImagesAsync(DockerClient from, IReadOnlyList<string> images, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(from);
        foreach (var node in _nodes)
        {
            await using var saved = await from.Images.SaveImagesAsync([.. images], ct);
            var log = new DockerBuildLog();
            await node.Client.Images.LoadImageAsync(new ImageLoadParameters { Quiet = true }, saved, log, ct);
            if (log.Error is not null)
            {
                throw new InvalidOperationException($"Loading {string.Join(", ", images)} into node {node.Name} failed: {log.Error}\n{log}");
            }
        }
    }

    /// <summary>The manager's view of the nodes: hostname, state and availability.</summary>
    public async Task<IReadOnlyList<NodeListResponse>> ListNodesAsync(CancellationToken ct) =>
        [.. await Manager.Client.Swarm.ListNodesAsync(cancellationToken: ct)];

    /// <summary>The last lines every node's dockerd wrote, for failure messages.</summary>
    public string LogTails(int lines = 20) => string.Join('\n', _nodes.Select(n => $"=== {n.Name} ===\n{n.LogTail(lines)}"));

    public async ValueTask DisposeAsync()
    {
        await _exitGuard.RunAsync();
        _exitGuard.Dispose();
        foreach (var node in _nodes)
        {
            node.Client.Dispose();
        }
    }

    /// <summary>A /24 of 10.78.0.0/16 no interface of the host uses. Random, so concurrent test hosts do not pick the same.</summary>
    private static async Task<int> FreeBlockAsync(CancellationToken ct)
    {
        var used = (await ProcessRunner.RunAsync("ip", ["-o", "-4", "addr", "show"], ToolTimeout, ct: ct)).EnsureSuccess().StandardOutput;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var block = RandomNumberGenerator.GetInt32(256);
            if (!used.Contains(string.Create(CultureInfo.InvariantCulture, $" 10.78.{block}."), StringComparison.Ordinal))
            {
                return block;
            }
        }

        throw new InvalidOperationException("No free /24 in 10.78.0.0/16 after 100 tries.");
    }

    private async Task CreateBridgeAsync(CancellationToken ct)
    {
        await RunAsync("ip", ["link", "add", _bridge, "type", "bridge"], ct);
        _bridgeCreated = true;
        await RunAsync("ip", ["addr", "add", $"{HostAddress}/24", "dev", _bridge], ct);
        await RunAsync("ip", ["link", "set", _bridge, "up"], ct);
        await RunAsync("iptables", ["-I", "FORWARD", "-i", _bridge, "-o", _bridge, "-j", "ACCEPT"], ct);
        _forwarding = true;
    }

    private async Task AddNodeAsync(int index, CancellationToken ct)
    {
        var name = index == 0 ? "manager" : $"worker{index.ToString(CultureInfo.InvariantCulture)}";
        var address = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"{_subnet}.{10 + index}"));
        // Bridge, iptables and forwarding are dockerd's defaults: inside the namespace they are this node's alone.
        var node = new SwarmNode(name, DockerdProcess.Create("gf-swarm", ["--shutdown-timeout=5"]), address);
        _nodes.Add(node);
        await node.Dockerd.LaunchAsync();
        var pid = node.Dockerd.Pid.ToString(CultureInfo.InvariantCulture);
        await RunAsync("ip", ["link", "add", node.HostLink, "type", "veth", "peer", "name", node.NamespaceLink], ct);
        await RunAsync("ip", ["link", "set", node.NamespaceLink, "netns", pid], ct);
        await RunAsync("ip", ["link", "set", node.HostLink, "master", _bridge], ct);
        await RunAsync("ip", ["link", "set", node.HostLink, "up"], ct);
        await RunAsync("nsenter", ["-t", pid, "-n", "ip", "addr", "add", $"{address}/24", "dev", node.NamespaceLink], ct);
        await RunAsync("nsenter", ["-t", pid, "-n", "ip", "link", "set", node.NamespaceLink, "up"], ct);
        await RunAsync("nsenter", ["-t", pid, "-n", "ip", "link", "set", "lo", "up"], ct);
    }

    private async Task FormAsync(CancellationToken ct)
    {
        await Manager.Client.Swarm.InitSwarmAsync(new SwarmInitParameters
        {
            ListenAddr = $"{Manager.Address}:2377",
            AdvertiseAddr = $"{Manager.Address}:2377",
        }, ct);
        var tokens = (await Manager.Client.Swarm.InspectSwarmAsync(ct)).JoinTokens;
        foreach (var worker in Workers)
        {
            await JoinAsync(worker, $"{Manager.Address}:2377", tokens.Worker, ct);
        }

        await WaitUntilReadyAsync(_nodes.Count, ct);
    }

    /// <summary><c>swarm join</c> of <paramref name="node"/> to the manager at <paramref name="managerAddress"/> (host:port) with <paramref name="token"/>.</summary>
    public static Task JoinAsync(SwarmNode node, string managerAddress, string token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Client.Swarm.JoinSwarmAsync(new SwarmJoinParameters
        {
            ListenAddr = $"{node.Address}:2377",
            AdvertiseAddr = $"{node.Address}:2377",
            RemoteAddrs = [managerAddress],
            JoinToken = token,
        }, ct);
    }

    /// <summary>Waits until the manager lists <paramref name="count"/> nodes ready.</summary>
    public async Task WaitUntilReadyAsync(int count, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(JoinTimeout);
        try
        {
            while ((await ListNodesAsync(timeout.Token)).Count(n => n.Status?.State == "ready") < count)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"The swarm's {count} nodes were not all ready within {JoinTimeout.TotalSeconds:0} s.\n{LogTails()}");
        }
    }

    private static async Task RunAsync(string tool, string[] arguments, CancellationToken ct) =>
        (await ProcessRunner.RunAsync(tool, arguments, ToolTimeout, ct: ct)).EnsureSuccess();

    /// <summary>Runs once, from DisposeAsync or when the test host is interrupted. Each step runs even if one before failed.</summary>
    private async Task CleanUpAsync()
    {
        var problems = new List<string>();
        // Workers first, so the manager does not spend its stop rescheduling their tasks.
        foreach (var node in Enumerable.Reverse(_nodes))
        {
            await node.Dockerd.CleanUpAsync(problems);
            if ((await ProcessRunner.RunAsync("ip", ["link", "show", node.HostLink], ToolTimeout)).ExitCode == 0)
            {
                await TryAsync(problems, "ip", ["link", "del", node.HostLink]);
            }
        }

        if (_forwarding)
        {
            await TryAsync(problems, "iptables", ["-D", "FORWARD", "-i", _bridge, "-o", _bridge, "-j", "ACCEPT"]);
        }

        if (_bridgeCreated)
        {
            await TryAsync(problems, "ip", ["link", "del", _bridge]);
        }

        if (problems.Count > 0)
        {
            // Not thrown: a clean-up failure must not hide the failure of the test that ran before it.
            await Console.Error.WriteLineAsync($"Swarm cluster clean-up: {string.Join("; ", problems)}");
        }
    }

    private static async Task TryAsync(List<string> problems, string tool, string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(tool, arguments, ToolTimeout);
        if (result.ExitCode != 0)
        {
            problems.Add($"{tool} {string.Join(' ', arguments)}: {result.StandardError.Trim()}");
        }
    }
}

/// <summary>One node of a <see cref="SwarmCluster"/>: its dockerd, its address on the cluster's bridge, and its links.</summary>
public sealed class SwarmNode
{
    internal SwarmNode(string name, DockerdProcess dockerd, IPAddress address)
    {
        Name = name;
        Dockerd = dockerd;
        Address = address;
        var suffix = Path.GetFileName(dockerd.RootDirectory)[^8..];
        // Interface names are at most 15 bytes.
        HostLink = $"gfsh{suffix}";
        NamespaceLink = $"gfsn{suffix}";
    }

    /// <summary>"manager", "worker1", "worker2"…</summary>
    public string Name { get; }

    /// <summary>The node's address on the cluster's bridge (what it advertises to the swarm; published ports answer here).</summary>
    public IPAddress Address { get; }

    public DockerClient Client => Dockerd.Client;

    public Uri Endpoint => Dockerd.Endpoint;

    internal DockerdProcess Dockerd { get; }

    internal string HostLink { get; }

    internal string NamespaceLink { get; }

    /// <summary>The node's id in the swarm (its engine's own view).</summary>
    public async Task<string> IdAsync(CancellationToken ct) => (await Client.System.GetSystemInfoAsync(ct)).Swarm.NodeID;

    /// <summary>SIGKILLs the node's dockerd alone (its containers' shims stay, as in a crash of the engine): the manager sees the node go down.</summary>
    public Task KillAsync() => Dockerd.KillAloneAsync();

    public string LogTail(int lines = 40) => Dockerd.LogTail(lines);
}
