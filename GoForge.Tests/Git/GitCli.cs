using System.Diagnostics;

namespace GoForge.Tests.Git;

/// <summary>Runs the git CLI with an argument list (never a shell string) and a fixed identity.</summary>
internal static class GitCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static string Run(string workingDirectory, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, args))
            ?? throw new InvalidOperationException("git did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"git {string.Join(' ', args)} timed out.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} exited with {process.ExitCode}: {stderr.Result}");
        }

        return stdout.Result.Trim();
    }

    public static ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Independent of whoever runs the tests: no global config, a fixed author.
        info.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        info.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        info.Environment["GIT_AUTHOR_NAME"] = "Ada Lovelace";
        info.Environment["GIT_AUTHOR_EMAIL"] = "ada@example.test";
        info.Environment["GIT_COMMITTER_NAME"] = "Ada Lovelace";
        info.Environment["GIT_COMMITTER_EMAIL"] = "ada@example.test";
        return info;
    }
}
