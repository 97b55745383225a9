using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Docker.DotNet;

namespace GoForge.Tests.Harness;

/// <summary>
/// One dockerd of a test's own, started in a network namespace of its own (<c>unshare --net</c>, which execs dockerd
/// in place, so the process started here is dockerd itself). Everything it keeps lives under one folder in /tmp: data
/// root, exec root (its own containerd), pid file, unix socket, config and log. Shared by <see cref="PrivateDockerDaemon"/>
/// (no networking) and <see cref="NetworkedDockerDaemon"/> (bridges and iptables inside the namespace).
/// </summary>
/// <remarks>
/// Every wait has a time-out and the daemon's log tail in its message. Needs root, dockerd and unshare
/// (apt-get install -y docker.io util-linux).
/// </remarks>
internal sealed class DockerdProcess
{
    /// <summary>How long dockerd may take to answer a ping after it was started.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long dockerd may take to exit after SIGTERM (it stops its containers first).</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly string _dockerd;
    private readonly string _unshare;
    private readonly string _logPath;
    private readonly IReadOnlyList<string> _options;
    private readonly Lock _logGate = new();
    private Process? _process;
    private TaskCompletionSource? _exited;

    private DockerdProcess(string dockerd, string unshare, string root, IReadOnlyList<string> options)
    {
        _dockerd = dockerd;
        _unshare = unshare;
        _options = options;
        RootDirectory = root;
        _logPath = Path.Combine(root, "dockerd.log");
        Endpoint = new Uri($"unix://{Path.Combine(root, "docker.sock")}");
        Client = new DockerClientBuilder().WithEndpoint(Endpoint).Build();
    }

    public Uri Endpoint { get; }

    public DockerClient Client { get; }

    public string RootDirectory { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>dockerd's pid while it runs: its network namespace is <c>/proc/PID/ns/net</c>.</summary>
    public int Pid => _process is { HasExited: false } process
        ? process.Id
        : throw new InvalidOperationException("dockerd is not running.");

    /// <summary>
    /// Creates the daemon's folder under /tmp (not $TMPDIR: a unix socket path must stay under 108 bytes) with an empty
    /// configuration, so a host /etc/docker/daemon.json cannot add hosts or bridges to it. Nothing is started yet.
    /// </summary>
    /// <param name="prefix">The folder's name before its random part, e.g. <c>gf-dockerd</c>.</param>
    /// <param name="options">dockerd options beyond the folder's own (networking, shutdown time-out).</param>
    public static DockerdProcess Create(string prefix, IReadOnlyList<string> options)
    {
        if (!HostSystem.IsRoot || HostSystem.FindOnPath("dockerd") is not { } dockerd || HostSystem.FindOnPath("unshare") is not { } unshare)
        {
            throw new InvalidOperationException(
                "A private dockerd needs root, dockerd and unshare on the PATH: run the tests as root after apt-get install -y docker.io util-linux.");
        }

        var root = Path.Combine("/tmp", $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "daemon.json"), "{}");
        return new DockerdProcess(dockerd, unshare, root, options);
    }

    /// <summary>Starts dockerd (again, on the same folder and socket) and returns once it answers a ping.</summary>
    public async Task LaunchAsync()
    {
        var startInfo = new ProcessStartInfo(_unshare)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        string[] arguments =
        [
            "--net",
            "--",
            _dockerd,
            "--config-file", Path.Combine(RootDirectory, "daemon.json"),
            "--data-root", Path.Combine(RootDirectory, "data"),
            "--exec-root", Path.Combine(RootDirectory, "exec"),
            "--pidfile", Path.Combine(RootDirectory, "docker.pid"),
            "--host", Endpoint.ToString(),
            .. _options,
        ];
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        _process?.Dispose();
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        // The Exited event, unlike WaitForExitAsync, does not wait for the end of the output, which containerd's
        // children can hold open after dockerd is gone.
        process.Exited += (_, _) => exited.TrySetResult();
        process.OutputDataReceived += (_, e) => AppendLog(e.Data);
        process.ErrorDataReceived += (_, e) => AppendLog(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{_unshare} --net {_dockerd} could not be started.");
        }

        _process = process;
        _exited = exited;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitUntilAnswersAsync(process);
    }

    /// <summary>Stops the daemon as a host shutdown would (SIGTERM) and waits until it has exited.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process || process.HasExited)
        {
            return;
        }

        (await ProcessRunner.RunAsync("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10))).EnsureSuccess();
        if (!await WaitForExitAsync(StopTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dockerd did not exit within {StopTimeout.TotalSeconds:0} s of SIGTERM and was killed.\n{LogTail()}");
        }
    }

    /// <summary>SIGKILLs dockerd alone (not its containerd or shims, as a crash would) and waits until it has exited.</summary>
    public async Task KillAloneAsync()
    {
        if (_process is not { } process || process.HasExited)
        {
            return;
        }

        process.Kill(entireProcessTree: false);
        if (!await WaitForExitAsync(StopTimeout))
        {
            throw new TimeoutException($"dockerd did not exit within {StopTimeout.TotalSeconds:0} s of SIGKILL.\n{LogTail()}");
        }
    }

    /// <summary>The last lines dockerd wrote, for failure messages.</summary>
    public string LogTail(int lines = 40)
    {
        lock (_logGate)
        {
            return File.Exists(_logPath)
                ? $"--- last lines of {_logPath} ---\n" + string.Join('\n', File.ReadLines(_logPath).TakeLast(lines))
                : $"({_logPath} does not exist)";
        }
    }

    /// <summary>
    /// Stops dockerd, kills what it left running, unmounts and deletes the folder. Each step runs even if one before
    /// failed; what went wrong is added to <paramref name="problems"/>, not thrown.
    /// </summary>
    public async Task CleanUpAsync(List<string> problems)
    {
        try
        {
            await StopAsync();
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or IOException)
        {
            problems.Add(e.Message);
        }

        if (_process is { HasExited: false } still)
        {
            still.Kill(entireProcessTree: true);
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        _process?.Dispose();
        KillLeftovers(problems);
        await UnmountLeftoversAsync(problems);
        try
        {
            lock (_logGate)
            {
                Directory.Delete(RootDirectory, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{RootDirectory} could not be deleted: {e.Message}");
        }
    }

    private async Task WaitUntilAnswersAsync(Process process)
    {
        var elapsed = Stopwatch.StartNew();
        string? error = null;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"dockerd exited with {process.ExitCode} before answering.\n{LogTail()}");
            }

            if (File.Exists(Endpoint.LocalPath))
            {
                try
                {
                    using var timeout = new CancellationTokenSource(PingTimeout);
                    await Client.System.PingAsync(timeout.Token);
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or SocketException or OperationCanceledException or DockerApiException)
                {
                    // Not listening yet, or a connection to the previous run's socket: ask again.
                    error = e.Message;
                }
            }

            if (elapsed.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"dockerd did not answer a ping within {StartTimeout.TotalSeconds:0} s ({error ?? "no socket yet"}).\n{LogTail()}");
            }

            await Task.Delay(PollInterval);
        }
    }

    private async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        if (_exited is not { } exited)
        {
            return true;
        }

        try
        {
            await exited.Task.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void AppendLog(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logGate)
        {
            try
            {
                File.AppendAllText(_logPath, line + "\n", Encoding.UTF8);
            }
            catch (IOException)
            {
                // The folder is being deleted at the very end; the line is not worth failing a test for.
            }
        }
    }

    /// <summary>
    /// After a SIGKILL, containerd shims (reparented away from dockerd) and their containers keep running; each names
    /// the daemon's folder on its command line, which is how they are found.
    /// </summary>
    private void KillLeftovers(List<string> problems)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (!commandLine.Contains(RootDirectory + "/", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                using var leftover = Process.GetProcessById(pid);
                leftover.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                problems.Add($"process {pid} could not be killed: {e.Message}");
            }
        }
    }

    private async Task UnmountLeftoversAsync(List<string> problems)
    {
        // Deepest first, so a mount inside another goes before it.
        var mounts = File.ReadLines("/proc/self/mounts")
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length > 1)
            .Select(fields => fields[1].Replace("\\040", " ", StringComparison.Ordinal))
            .Where(point => point.StartsWith(RootDirectory + "/", StringComparison.Ordinal))
            .OrderByDescending(point => point.Length)
            .ToList();
        foreach (var point in mounts)
        {
            var result = await ProcessRunner.RunAsync("umount", ["-l", point], TimeSpan.FromSeconds(30));
            if (result.ExitCode != 0)
            {
                problems.Add($"umount {point}: {result.StandardError.Trim()}");
            }
        }
    }
}
