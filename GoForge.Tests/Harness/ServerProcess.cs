using System.Collections.Concurrent;
using System.Diagnostics;

namespace GoForge.Tests.Harness;

/// <summary>
/// A throwaway server program of a test fixture: started from an argument list, its last 200 output lines kept for
/// failure messages, waited for until it answers HTTP (any status), and killed on dispose or when the test host ends
/// (<see cref="ExitGuard"/>).
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly string _name;
    private readonly ExitGuard _exitGuard;
    private Process? _process;

    private ServerProcess(string name)
    {
        _name = name;
        _exitGuard = new ExitGuard(StopAsync);
    }

    /// <summary>Starts <paramref name="startInfo"/> (its output is redirected here) and returns once <paramref name="probe"/> answers.</summary>
    public static async Task<ServerProcess> StartAsync(string name, ProcessStartInfo startInfo, Uri probe, TimeSpan startTimeout)
    {
        startInfo.UseShellExecute = false;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        var server = new ServerProcess(name);
        try
        {
            server._process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{name} could not be started.");
            server._process.OutputDataReceived += (_, e) => server.Keep(e.Data);
            server._process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
            server._process.BeginOutputReadLine();
            server._process.BeginErrorReadLine();
            await server.WaitUntilAnswersAsync(probe, startTimeout);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _exitGuard.RunAsync();
        _exitGuard.Dispose();
    }

    private async Task WaitUntilAnswersAsync(Uri probe, TimeSpan startTimeout)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < startTimeout)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"{_name} exited with {_process.ExitCode}:\n{string.Join('\n', _output)}");
            }

            try
            {
                using var response = await client.GetAsync(probe);
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(50);
            }
            catch (TaskCanceledException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"{_name} did not answer on {probe} within {startTimeout.TotalSeconds:0} s:\n{string.Join('\n', _output)}");
    }

    private async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(timeout.Token);
        }

        _process?.Dispose();
        _process = null;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }
}
