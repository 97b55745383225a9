using System.Globalization;

namespace GoForge.Tests.Harness;

/// <summary>
/// A small tmpfs mounted on a test's folder: a disk that fills. Unmounted on dispose, also when the test host is
/// interrupted (lazily, should something still hold it open). Needs root.
/// </summary>
internal sealed class TmpfsMount : IAsyncDisposable
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);
    private readonly ExitGuard _exitGuard;

    private TmpfsMount(string path)
    {
        Path = path;
        _exitGuard = new ExitGuard(UnmountAsync);
    }

    public string Path { get; }

    /// <summary>Creates <paramref name="path"/> if needed and mounts a tmpfs of <paramref name="sizeBytes"/> on it.</summary>
    public static async Task<TmpfsMount> MountAsync(string path, long sizeBytes)
    {
        if (!HostSystem.IsRoot)
        {
            throw new InvalidOperationException("Mounting a tmpfs needs root: run the tests as root.");
        }

        Directory.CreateDirectory(path);
        (await ProcessRunner.RunAsync("mount",
            ["-t", "tmpfs", "-o", string.Create(CultureInfo.InvariantCulture, $"size={sizeBytes},mode=0700"), "tmpfs", path], ToolTimeout)).EnsureSuccess();
        return new TmpfsMount(path);
    }

    public async ValueTask DisposeAsync()
    {
        await _exitGuard.RunAsync();
        _exitGuard.Dispose();
    }

    private async Task UnmountAsync()
    {
        var result = await ProcessRunner.RunAsync("umount", [Path], ToolTimeout);
        if (result.ExitCode != 0)
        {
            // Busy (a process still inside): detach it now, the kernel frees it when the last user goes.
            (await ProcessRunner.RunAsync("umount", ["-l", Path], ToolTimeout)).EnsureSuccess();
        }
    }
}
