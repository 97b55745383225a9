using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Sockets;
using Docker.DotNet;

namespace GoForge.Tests.Harness;

[CollectionDefinition(Name)]
[SuppressMessage("Naming", "CA1711", Justification = "xunit's naming for collection definitions.")]
public sealed class DockerCollection : ICollectionFixture<DockerFixture>
{
    public const string Name = "docker";
}

/// <summary>
/// A real Docker engine for the test run, the first that answers of: <c>DOCKER_HOST</c>; <c>/var/run/docker.sock</c>;
/// the shared private daemon at <c>/tmp/goforge-docker</c>; else, as root, that private daemon started here.
/// A daemon started here is stopped at the end unless another process still uses it (each user holds a shared lock on
/// <c>/tmp/goforge-docker/users.lock</c>, as <c>deploy/run.sh</c> does). No engine fails the run: tests are never skipped.
/// </summary>
public sealed class DockerFixture : IAsyncLifetime
{
    public const string SharedDirectory = "/tmp/goforge-docker";
    private static readonly Uri SystemSocket = new("unix:///var/run/docker.sock");
    private static readonly Uri SharedSocket = new($"unix://{SharedDirectory}/docker.sock");
    private static readonly string UsersLock = Path.Combine(SharedDirectory, "users.lock");
    private static readonly string DaemonLog = Path.Combine(SharedDirectory, "log");
    private static readonly string DaemonPidFile = Path.Combine(SharedDirectory, "docker.pid");
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private DockerClient? _client;
    private FileStream? _sharedUse;
    private Process? _daemon;
    private ExitGuard? _exitGuard;

    public DockerClient Client => _client ?? throw new InvalidOperationException("The Docker fixture is not initialized.");

    public Uri Endpoint { get; private set; } = SystemSocket;

    public async Task InitializeAsync()
    {
        var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(dockerHost))
        {
            // An explicit choice is not second-guessed by falling back to another engine.
            var endpoint = new Uri(dockerHost);
            var (client, error) = await PingAsync(endpoint);
            Use(endpoint, client ?? throw new InvalidOperationException($"DOCKER_HOST={dockerHost} does not answer a ping: {error}"));
            return;
        }

        if ((await PingAsync(SystemSocket)).Client is { } system)
        {
            Use(SystemSocket, system);
            return;
        }

        // Joined before the ping, so the daemon's owner cannot stop it between our ping and our use.
        _sharedUse = await JoinSharedDaemonAsync();
        if ((await PingAsync(SharedSocket)).Client is { } shared)
        {
            Use(SharedSocket, shared);
            return;
        }

        if (!HostSystem.IsRoot || HostSystem.FindOnPath("dockerd") is not { } dockerd)
        {
            await _sharedUse.DisposeAsync();
            throw new InvalidOperationException(
                $"No Docker engine answers at {SystemSocket} or {SharedSocket}, and a private one can only be started as root with dockerd installed. " +
                "Set DOCKER_HOST, start an engine, or run the tests as root after apt-get install -y docker.io.");
        }

        await StartSharedDaemonAsync(dockerd);
    }

    public async Task DisposeAsync()
    {
        if (_exitGuard is not null)
        {
            await _exitGuard.RunAsync();
            _exitGuard.Dispose();
        }

        if (_sharedUse is not null)
        {
            await _sharedUse.DisposeAsync();
        }

        _client?.Dispose();
    }

    private void Use(Uri endpoint, DockerClient client)
    {
        Endpoint = endpoint;
        _client = client;
    }

    private async Task StartSharedDaemonAsync(string dockerd)
    {
        // The daemon may outlive this test host (another run can join it), so its output goes to a file, not to pipes
        // that die with us. The script is fixed; every value reaches it as a positional parameter.
        var startInfo = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        string[] arguments =
        [
            "-c", "log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1", "sh", DaemonLog,
            dockerd,
            "--data-root", Path.Combine(SharedDirectory, "data"),
            "--exec-root", Path.Combine(SharedDirectory, "exec"),
            "--pidfile", DaemonPidFile,
            "--host", SharedSocket.ToString(),
            // Every project environment gets a network, and a whole run makes hundreds (test hosts prune theirs when
            // they stop, but a failed or killed test leaves its own): /24s from a /13 give 2048, where the engine's
            // default pools give about 30 and a /16 gave 256, which a clean-clone run once used up ("could not find an
            // available, non-overlapping IPv4 address pool").
            "--default-address-pool", "base=10.200.0.0/13,size=24",
        ];
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        _daemon = Process.Start(startInfo) ?? throw new InvalidOperationException($"{dockerd} could not be started.");
        _exitGuard = new ExitGuard(StopDaemonUnlessSharedAsync);
        try
        {
            Use(SharedSocket, await WaitUntilAnswersAsync(_daemon));
        }
        catch
        {
            await _exitGuard.RunAsync();
            throw;
        }

        if (_daemon.HasExited)
        {
            // Another run started the daemon at the same moment and won; it is theirs to stop.
            _daemon.Dispose();
            _daemon = null;
        }
    }

    private static async Task<DockerClient> WaitUntilAnswersAsync(Process daemon)
    {
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            var (client, error) = await PingAsync(SharedSocket);
            if (client is not null)
            {
                return client;
            }

            if (daemon.HasExited && !IsPidFileOwnerAlive())
            {
                throw new InvalidOperationException($"dockerd exited with {daemon.ExitCode} before answering.\n{DaemonLogTail()}");
            }

            if (elapsed.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"dockerd did not answer within {StartTimeout.TotalSeconds:0} s ({error}).\n{DaemonLogTail()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private async Task StopDaemonUnlessSharedAsync()
    {
        _client?.Dispose();
        _client = null;
        if (_sharedUse is not null)
        {
            await _sharedUse.DisposeAsync();
            _sharedUse = null;
        }

        if (_daemon is null || _daemon.HasExited)
        {
            return;
        }

        // Held while stopping, so nobody joins a daemon that is going away.
        await using var exclusive = TryLockExclusive();
        if (exclusive is null)
        {
            return;
        }

        (await ProcessRunner.RunAsync("kill", ["-TERM", _daemon.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10))).EnsureSuccess();
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await _daemon.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _daemon.Kill(entireProcessTree: true);
            throw new TimeoutException($"dockerd did not stop within {StopTimeout.TotalSeconds:0} s of SIGTERM and was killed.\n{DaemonLogTail()}");
        }
    }

    private static async Task<FileStream> JoinSharedDaemonAsync()
    {
        Directory.CreateDirectory(SharedDirectory);
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // FileShare other than None takes a shared flock(2) on Linux.
                return new FileStream(UsersLock, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
            }
            catch (IOException) when (elapsed.Elapsed < StopTimeout)
            {
                // The daemon's owner holds the lock exclusively while it stops the daemon.
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }

    private static FileStream? TryLockExclusive()
    {
        try
        {
            return new FileStream(UsersLock, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static async Task<(DockerClient? Client, string? Error)> PingAsync(Uri endpoint)
    {
        if (endpoint.Scheme == "unix" && !File.Exists(endpoint.LocalPath))
        {
            return (null, $"{endpoint.LocalPath} does not exist");
        }

        var client = new DockerClientBuilder().WithEndpoint(endpoint).Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.System.PingAsync(timeout.Token);
            return (client, null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException or OperationCanceledException or DockerApiException)
        {
            client.Dispose();
            return (null, e.Message);
        }
    }

    private static bool IsPidFileOwnerAlive() =>
        File.Exists(DaemonPidFile)
        && int.TryParse(File.ReadAllText(DaemonPidFile).Trim(), CultureInfo.InvariantCulture, out var pid)
        && HostSystem.IsProcessAlive(pid);

    private static string DaemonLogTail() => File.Exists(DaemonLog)
        ? "--- last lines of " + DaemonLog + " ---\n" + string.Join('\n', File.ReadLines(DaemonLog).TakeLast(40))
        : $"({DaemonLog} does not exist)";
}
