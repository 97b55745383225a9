using System.Diagnostics;

namespace GoForge.Tests.Harness;

/// <summary>The outcome of a finished program, kept whole so a failure message can show it.</summary>
internal sealed record ProcessResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public ProcessResult EnsureSuccess() => ExitCode == 0
        ? this
        : throw new InvalidOperationException(
            $"`{Command}` exited with {ExitCode}.\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}");
}

/// <summary>
/// Runs a program with an argument list, never through a shell, so paths and names are passed verbatim.
/// Every run has a time-out: a hung initdb or dockerd must fail the run, not stall it.
/// </summary>
internal static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null,
        CancellationToken ct = default)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        var command = string.Join(' ', startInfo.ArgumentList.Prepend(fileName));
        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"`{command}` could not be started.");
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeoutCts.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeoutCts.Token);
        try
        {
            await process.WaitForExitAsync(timeoutCts.Token);
            // A grandchild that keeps our pipes open must not hang us either.
            await Task.WhenAll(stdout, stderr).WaitAsync(timeoutCts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"`{command}` did not finish within {timeout.TotalSeconds:0} s and was killed.");
        }

        return new ProcessResult(command, process.ExitCode, await stdout, await stderr);
    }
}
