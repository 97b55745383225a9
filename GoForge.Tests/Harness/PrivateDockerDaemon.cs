using System.Diagnostics;
using System.Globalization;
using Docker.DotNet;

namespace GoForge.Tests.Harness;

/// <summary>
/// A dockerd of one test's own, for tests that stop and restart the engine (the shared <see cref="DockerFixture"/>
/// daemon serves every other test and must never go away). Everything it keeps lives under one folder in /tmp
/// (<see cref="DockerdProcess"/>). It runs in a network namespace of its own with
/// <c>--bridge=none --iptables=false --ip-forward=false --ip-masq=false</c>: its containers use network mode
/// <c>none</c>, and builds need no RUN step (there is no bridge for one). The namespace is not optional: with
/// <c>--bridge=none</c> dockerd deletes any interface named docker0 it can see, which in the host's namespace is the
/// shared daemon's bridge. No registry is reachable, so images are built FROM scratch. For a daemon with networking,
/// see <see cref="NetworkedDockerDaemon"/>.
/// </summary>
/// <remarks>
/// <see cref="DisposeAsync"/> stops the daemon (SIGTERM, then SIGKILL), kills what it left running, unmounts and
/// deletes the folder; it also runs when the test host is interrupted. Needs root and <c>dockerd</c>
/// (apt-get install -y docker.io).
/// </remarks>
public sealed class PrivateDockerDaemon : IAsyncDisposable
{
    /// <summary>How long dockerd may take to answer a ping after it was started.</summary>
    public static readonly TimeSpan StartTimeout = DockerdProcess.StartTimeout;

    /// <summary>How long dockerd may take to exit after SIGTERM (it stops its containers first).</summary>
    public static readonly TimeSpan StopTimeout = DockerdProcess.StopTimeout;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly DockerdProcess _dockerd;
    private readonly ExitGuard _exitGuard;

    private PrivateDockerDaemon(DockerdProcess dockerd)
    {
        _dockerd = dockerd;
        _exitGuard = new ExitGuard(CleanUpAsync);
    }

    /// <summary>The daemon's socket, <c>unix:///tmp/gf-dockerd-…/docker.sock</c>; it stays the same across restarts.</summary>
    public Uri Endpoint => _dockerd.Endpoint;

    /// <summary>A client for <see cref="Endpoint"/>, usable again after <see cref="StartAgainAsync"/>.</summary>
    public DockerClient Client => _dockerd.Client;

    /// <summary>The folder holding everything the daemon keeps (deleted on dispose).</summary>
    public string RootDirectory => _dockerd.RootDirectory;

    public bool IsRunning => _dockerd.IsRunning;

    /// <summary>Starts a fresh daemon and returns once it answers a ping. <paramref name="options"/> are added to dockerd's.</summary>
    public static async Task<PrivateDockerDaemon> StartAsync(params string[] options)
    {
        var daemon = new PrivateDockerDaemon(DockerdProcess.Create("gf-dockerd",
        [
            .. options,
            "--bridge=none",
            "--iptables=false",
            "--ip-forward=false",
            "--ip-masq=false",
            // Containers get 5 s to stop when the daemon does, so a stop never waits on a process ignoring SIGTERM for long.
            "--shutdown-timeout=5",
        ]));
        try
        {
            await daemon._dockerd.LaunchAsync();
            return daemon;
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the daemon as a host shutdown would (SIGTERM) and waits until it has exited.</summary>
    public Task StopAsync() => _dockerd.StopAsync();

    /// <summary>
    /// Kills dockerd alone with SIGKILL, as a crash or the OOM killer would, and waits until it has gone. Its
    /// containerd and the containers' shims live on, as they do after a real crash; <see cref="StartAgainAsync"/>
    /// finds them.
    /// </summary>
    public async Task KillAsync()
    {
        if (!_dockerd.IsRunning)
        {
            return;
        }

        var containerd = ContainerdPid();
        await _dockerd.KillAloneAsync();

        // dockerd's own containerd dies with it, but stays a zombie until init reaps it; a dockerd started meanwhile
        // takes the zombie for a live containerd, waits for its socket and gives up. A host's init reaps at once.
        var elapsed = Stopwatch.StartNew();
        while (containerd is { } pid && Directory.Exists($"/proc/{pid}"))
        {
            if (elapsed.Elapsed > StopTimeout)
            {
                throw new TimeoutException($"dockerd's containerd (pid {pid}) was not gone within {StopTimeout.TotalSeconds:0} s of dockerd's SIGKILL.");
            }

            await Task.Delay(PollInterval);
        }
    }

    private int? ContainerdPid()
    {
        var pidFile = Path.Combine(RootDirectory, "exec", "containerd", "containerd.pid");
        return File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    /// <summary>Starts the stopped daemon again on the same folder and socket; returns once it answers a ping.</summary>
    public Task StartAgainAsync() => IsRunning
        ? throw new InvalidOperationException("The private dockerd is still running; stop it first.")
        : _dockerd.LaunchAsync();

    /// <summary>The last lines dockerd wrote, for failure messages.</summary>
    public string LogTail(int lines = 40) => _dockerd.LogTail(lines);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _exitGuard.RunAsync();
        _exitGuard.Dispose();
    }

    /// <summary>Runs once, from DisposeAsync or when the test host is interrupted.</summary>
    private async Task CleanUpAsync()
    {
        var problems = new List<string>();
        await _dockerd.CleanUpAsync(problems);
        if (problems.Count > 0)
        {
            // Not thrown: a clean-up failure must not hide the failure of the test that ran before it.
            await Console.Error.WriteLineAsync($"Private dockerd clean-up: {string.Join("; ", problems)}");
        }
    }
}
