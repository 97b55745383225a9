using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace GoForge.Tests.Harness;

/// <summary>
/// The real panel as its own process (<c>dotnet GoForge.Web.dll</c> from the build output), so its memory is its own
/// and can be read from <c>/proc</c>, and it can die as a crash kills it (<see cref="KillAsync"/>: SIGKILL, nothing
/// flushed). Started without a shell, on a free loopback port; killed on dispose, whatever happened. Its output is
/// kept (the last lines) for the message of a failed start.
/// </summary>
internal sealed class PanelProcess : IAsyncDisposable
{
    private const int KeptLines = 200;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private PanelProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the panel wrote (stdout and stderr interleaved).</summary>
    public string OutputTail()
    {
        lock (_output)
        {
            return string.Join('\n', _output);
        }
    }

    /// <summary>
    /// GoForge.Web.dll of the same configuration as this test assembly (GoForge.Web/bin/&lt;config&gt;/&lt;tfm&gt;/), with
    /// its own runtimeconfig and deps files, which the copy in the test output lacks.
    /// </summary>
    public static string WebAssemblyPath()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = output.Name;
        var configuration = output.Parent?.Name ?? "Release";
        for (var dir = output; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "GoForge.Web", "bin", configuration, tfm, "GoForge.Web.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"GoForge.Web.dll ({configuration}/{tfm}) was not found above {output.FullName}: build the solution first.");
    }

    /// <summary>Starts the panel with <paramref name="environment"/> (a null value unsets a variable) and waits until GET /login answers 200.</summary>
    public static async Task<PanelProcess> StartAsync(IReadOnlyDictionary<string, string?> environment)
    {
        var dll = WebAssemblyPath();
        var address = new Uri($"http://127.0.0.1:{HostSystem.FreeTcpPort().ToString(CultureInfo.InvariantCulture)}");
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The content root is the working folder: appsettings.json and the static web assets manifest are here.
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        startInfo.ArgumentList.Add(dll);
        startInfo.ArgumentList.Add("--urls");
        startInfo.ArgumentList.Add(address.ToString().TrimEnd('/'));
        // Inherited from the test host unless set here; a null value removes the variable.
        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(key);
            }
            else
            {
                startInfo.Environment[key] = value;
            }
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("dotnet could not be started.");
        var panel = new PanelProcess(process, address);
        process.OutputDataReceived += (_, e) => panel.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => panel.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await panel.WaitUntilAnswersAsync();
            return panel;
        }
        catch
        {
            await panel.DisposeAsync();
            throw;
        }
    }

    /// <summary>Fails unless GET <paramref name="path"/> answers 200 (e.g. the Blazor script, without which no circuit starts).</summary>
    public async Task EnsureServesAsync(string path)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.GetAsync(new Uri(Address, path));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The panel answers GET {path} with {(int)response.StatusCode}.\n{OutputTail()}");
        }
    }

    /// <summary>Resident memory of the panel now (/proc/&lt;pid&gt;/status).</summary>
    public ProcMemory Memory() => ProcMemory.Read(_process.Id);

    /// <summary>
    /// SIGKILLs the panel (no graceful stop, no hosted service stopped, nothing flushed: what the OOM killer or a
    /// power cut does) and waits until it has gone; returns its exit code, 137 (128 + SIGKILL) when the kill ended it.
    /// </summary>
    public async Task<int> KillAsync()
    {
        // Process.Kill sends SIGKILL on Unix, never SIGTERM.
        _process.Kill(entireProcessTree: true);
        using var timeout = new CancellationTokenSource(StopTimeout);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(StopTimeout);
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (InvalidOperationException)
        {
            // It had already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }

    // The muxer the tests run on (testhost is started as `dotnet exec`), else the one on PATH.
    private static string DotnetHost() =>
        Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : HostSystem.FindOnPath("dotnet") ?? "dotnet";

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > KeptLines)
            {
                _output.Dequeue();
            }
        }
    }

    private async Task WaitUntilAnswersAsync()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var elapsed = Stopwatch.StartNew();
        var last = "no answer yet";
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The panel exited with {_process.ExitCode} before answering.\n{OutputTail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Address, "/login"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }

            if (elapsed.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"The panel did not answer GET /login within {StartTimeout.TotalSeconds:0} s ({last}).\n{OutputTail()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}
