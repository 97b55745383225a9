using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GoForge.Tests.Support;

namespace GoForge.Tests.Git;

/// <summary>A git:// server (git daemon) on a free local port, serving the bare repositories of a <see cref="GitRepositoryFixture"/>.</summary>
public sealed class GitDaemonFixture : IAsyncLifetime
{
    private Process? _daemon;

    public GitRepositoryFixture Repositories { get; } = new();

    public int Port { get; private set; }

    public string UrlOf(string bareRepository) => $"git://127.0.0.1:{Port}/{Path.GetFileName(bareRepository)}";

    public async Task InitializeAsync()
    {
        Port = FreePort();
        _daemon = Process.Start(GitCli.StartInfo(Repositories.Root,
        [
            "daemon", "--export-all", "--reuseaddr", "--listen=127.0.0.1", $"--port={Port}", $"--base-path={Repositories.Root}", Repositories.Root,
        ])) ?? throw new InvalidOperationException("git daemon did not start.");
        // Drain its output so it never blocks on a full pipe.
        _daemon.OutputDataReceived += (_, _) => { };
        _daemon.ErrorDataReceived += (_, _) => { };
        _daemon.BeginOutputReadLine();
        _daemon.BeginErrorReadLine();

        await Wait.UntilAsync(AcceptsAsync, $"git daemon on port {Port}", TimeSpan.FromSeconds(20));
    }

    public Task DisposeAsync()
    {
        if (_daemon is { HasExited: false })
        {
            _daemon.Kill(entireProcessTree: true);
            _daemon.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _daemon?.Dispose();
        Repositories.Dispose();
        return Task.CompletedTask;
    }

    private async Task<bool> AcceptsAsync()
    {
        if (_daemon is { HasExited: true })
        {
            throw new InvalidOperationException($"git daemon exited with {_daemon.ExitCode}.");
        }

        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
