using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Git;

/// <summary>A git:// server: <c>git daemon --export-all</c> on a free loopback port, serving the bare repositories under one folder. Killed on dispose.</summary>
public sealed class GitDaemon : IAsyncDisposable
{
    private readonly Process _process;

    private readonly IPAddress _address;

    private GitDaemon(Process process, IPAddress address, int port)
    {
        _process = process;
        _address = address;
        Port = port;
    }

    public int Port { get; }

    public string UrlOf(string bareRepository) => $"git://{_address}:{Port}/{Path.GetFileName(bareRepository)}";

    /// <summary>Starts serving <paramref name="root"/> on <paramref name="address"/> (default loopback), on a free port.</summary>
    public static async Task<GitDaemon> StartAsync(string root, IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        var port = HostSystem.FreeTcpPort();
        var process = Process.Start(GitCli.StartInfo(root,
        [
            "daemon", "--export-all", "--reuseaddr", $"--listen={address}", $"--port={port}", $"--base-path={root}", root,
        ])) ?? throw new InvalidOperationException("git daemon did not start.");
        // Drain its output so it never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var daemon = new GitDaemon(process, address, port);
        try
        {
            await Wait.UntilAsync(daemon.AcceptsAsync, $"git daemon on port {port}", TimeSpan.FromSeconds(20));
            return daemon;
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<bool> AcceptsAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"git daemon exited with {_process.ExitCode}.");
        }

        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(_address, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
