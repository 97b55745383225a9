using System.Diagnostics;

namespace GoForge.Tests.Support;

/// <summary>
/// A folder of the test project with a committed package.json and package-lock.json: <c>npm ci</c> installs its pinned
/// packages on first use (a fresh machine), once per test run.
/// </summary>
internal sealed class NpmFolder(string folder, string what)
{
    private readonly SemaphoreSlim _installLock = new(1, 1);

    public string Folder { get; } = folder;

    /// <summary>The path of <paramref name="relativeFile"/> under node_modules, installing the folder's packages when it is missing.</summary>
    public async Task<string> EnsureAsync(string relativeFile)
    {
        var file = Path.Combine(Folder, "node_modules", relativeFile);
        await _installLock.WaitAsync();
        try
        {
            if (!File.Exists(file))
            {
                await NpmCiAsync();
            }
        }
        finally
        {
            _installLock.Release();
        }

        return File.Exists(file) ? file : throw new InvalidOperationException($"npm ci did not install {file}.");
    }

    private async Task NpmCiAsync()
    {
        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("npm did not start: install Debian's npm package (deploy/test.sh does).");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"npm ci for {what} did not finish within 3 minutes.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci for {what} failed ({process.ExitCode}): {await output}{await errors}");
        }
    }
}
