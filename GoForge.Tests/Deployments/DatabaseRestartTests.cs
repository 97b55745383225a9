using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using GoForge.Core.Deployments;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Deployments;

/// <summary>
/// PostgreSQL restarts while a deployment builds. The panel runs on a cluster of this class's own (never the shared one
/// other tests use) and builds on the shared engine. The build waits at a gate the test holds (an HTTP address the
/// build's RUN step polls, printing a line per try), so the outage falls inside the build for certain and the lines
/// printed during it are known.
/// </summary>
public sealed class DatabaseRestartTests(DockerFixture docker) : IClassFixture<DockerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_database_restart_during_a_build_keeps_every_log_line_in_order_and_the_worker_takes_new_work()
    {
        await using var postgres = await PrivatePostgres.StartAsync("goforge_pgrestart");
        await using var gate = await BuildGate.StartAsync(docker);
        await using var scenario = await DeployScenario.StartWithAsync(docker.Endpoint, "pgrestart", settings: null,
            all => Task.FromResult(GoForgeApp.StartOn(postgres.ConnectionString, settings: all)));
        var nonce = scenario.Nonce;
        scenario.Repository.Commit("gated build", SampleDockerfiles.WaitsAtGate(nonce, gate.Url), new Dictionary<string, string> { ["index.html"] = $"served {nonce}\n" });
        var app = await scenario.CreateApplicationAsync(scenario.Actor, "pgrestart");
        var deployments = scenario.App.Get<IDeploymentRepository>();
        var first = (await scenario.App.Get<DeploymentService>().EnqueueAsync(scenario.Actor, app.Id)).Value!;
        await Wait.UntilAsync(async () => (await LogAsync(deployments, first.Id)).Contains($"gate {nonce} before"), "the build to reach the gate", Timeout);

        await postgres.Cluster.PauseAsync();
        // Each refused try prints its line after its answer: the lines of the tries after this one are printed while
        // the database is down.
        var triesBefore = gate.Tries;
        await Wait.UntilAsync(() => Task.FromResult(gate.Tries >= triesBefore + 3), "the build to print lines during the outage", Timeout);
        await postgres.Cluster.ResumeAsync();
        gate.Open();

        var ended = await scenario.UntilSettledAsync(first.Id, Timeout);
        var lines = (await deployments.ListLogAsync(first.Id, 0, 10_000)).Select(l => l.Text).ToList();
        Assert.True(ended.State == DeploymentState.Running, $"the deployment ended {ended.State}: {ended.Reason}\n{string.Join('\n', lines)}");
        // The engine colours what the step wrote to stderr: a line may start with an escape sequence.
        var marker = $"gate {nonce} waiting ";
        var printed = new Regex($"{marker}([0-9]+)$");
        var waiting = lines.Select(l => printed.Match(l)).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        // Every try's line, once each and in order, those printed during the outage included.
        var all = string.Join('\n', lines);
        Assert.True(Enumerable.Range(1, waiting.Count).SequenceEqual(waiting), all);
        Assert.True(waiting.Contains(triesBefore + 2), $"no line of try {triesBefore + 2}:\n{all}");
        Assert.True(
            lines.FindIndex(l => l.EndsWith($"gate {nonce} before", StringComparison.Ordinal)) < lines.FindIndex(l => printed.IsMatch(l))
            && lines.FindLastIndex(l => printed.IsMatch(l)) < lines.FindIndex(l => l.EndsWith($"gate {nonce} after", StringComparison.Ordinal)),
            all);
        Assert.DoesNotContain(lines, l => l.Contains("dropped", StringComparison.Ordinal));

        // The worker outlived the outage: it takes the next deployment, which works.
        var second = (await scenario.App.Get<DeploymentService>().EnqueueAsync(scenario.Actor, app.Id)).Value!;
        var next = await scenario.UntilSettledAsync(second.Id, Timeout);
        Assert.True(next.State == DeploymentState.Running, $"the next deployment ended {next.State}: {next.Reason}");
    }

    private static async Task<string> LogAsync(IDeploymentRepository deployments, Guid id) =>
        string.Join('\n', (await deployments.ListLogAsync(id, 0, 10_000)).Select(l => l.Text));

    /// <summary>
    /// An HTTP address on the shared engine's bridge gateway (a host address build containers reach), answering 503
    /// until <see cref="Open"/> and 200 after; it counts the tries.
    /// </summary>
    private sealed class BuildGate : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private int _tries;
        private volatile bool _open;

        private BuildGate(TcpListener listener)
        {
            _listener = listener;
            var endpoint = (IPEndPoint)listener.LocalEndpoint;
            Url = $"http://{endpoint.Address}:{endpoint.Port}/";
            _loop = Task.Run(AcceptAsync);
        }

        public string Url { get; }

        public int Tries => Volatile.Read(ref _tries);

        public static async Task<BuildGate> StartAsync(DockerFixture docker)
        {
            // The engine leaves the gateway out of the bridge's IPAM config when it picked it itself: the host's
            // address on the bridge's interface is the gateway.
            var bridge = await docker.Client.Networks.InspectNetworkAsync("bridge");
            var name = bridge.Options is { } options && options.TryGetValue("com.docker.network.bridge.name", out var named) ? named : "docker0";
            var gateway = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(i => i.Name == name)?.GetIPProperties().UnicastAddresses
                .Select(a => a.Address).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? throw new InvalidOperationException($"The shared engine's bridge {name} has no IPv4 address on this host.");
            var listener = new TcpListener(gateway, 0);
            listener.Start();
            return new BuildGate(listener);
        }

        public void Open() => _open = true;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await AnswerAsync();
                }
                catch (Exception e) when (e is IOException or SocketException)
                {
                    // A try that hung up early: the build tries again.
                }
            }
        }

        private async Task AnswerAsync()
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var stream = client.GetStream();
            var buffer = new byte[4096];
            var request = new StringBuilder();
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            var open = _open;
            var answer = open ? "HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok" : "HTTP/1.0 503 Closed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(answer), _stop.Token);
            if (!open)
            {
                Interlocked.Increment(ref _tries);
            }
        }
    }
}
