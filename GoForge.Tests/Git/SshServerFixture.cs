using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GoForge.Core.Deployments;
using GoForge.Infrastructure.Git;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Git;

/// <summary>
/// Debian's OpenSSH server (/usr/sbin/sshd) with its own config, its own host key and one authorized GoForge deploy
/// key, serving the bare repositories of a <see cref="GitRepositoryFixture"/> by their absolute paths.
/// It listens on a random loopback address (127.x.y.z, all of 127/8 is loopback) so that it can take port 22, which
/// scp-like URLs (user@host:path) cannot change, without colliding with another run; plus a free port for ssh:// URLs,
/// and a "stall" port whose sessions run `cat` (it answers nothing, as a hung server would).
/// </summary>
public sealed class SshServerFixture : IAsyncLifetime
{
    private const string Sshd = "/usr/sbin/sshd";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly ConcurrentQueue<string> _log = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("goforge-sshd-").FullName;
    private Process? _sshd;

    public GitRepositoryFixture Repositories { get; } = new();

    /// <summary>The key in authorized_keys, made by GoForge's own generator.</summary>
    public DeployKeyPair DeployKey { get; } = new Ed25519DeployKeyGenerator().Generate("goforge-tests");

    /// <summary>The account the tests log in as: the one running them (root on the test machines).</summary>
    public string User { get; } = Environment.UserName;

    public string Address { get; private set; } = "";

    public int Port { get; private set; }

    public int StallPort { get; private set; }

    public string HostPublicKeyFile => Path.Combine(_dir, "host_ed25519.pub");

    /// <summary>sshd's own log (-e: to stderr), for failure messages and for waiting on what it did.</summary>
    public IReadOnlyCollection<string> Log => _log;

    public string SshUrl(string bareRepository) => $"ssh://{User}@{Address}:{Port}{bareRepository}";

    public string ScpLikeUrl(string bareRepository) => $"{User}@{Address}:{bareRepository}";

    public string StallUrl(string bareRepository) => $"ssh://{User}@{Address}:{StallPort}{bareRepository}";

    public GitCredentials.SshKey Credentials(string? knownHostKey = null) => new(User, DeployKey.PrivateKey, knownHostKey);

    /// <summary>Lets another public key in, as adding a deploy key on a Git host does (sshd reads the file per connection).</summary>
    public void Authorize(string publicKey) => File.AppendAllText(Path.Combine(_dir, "authorized_keys"), publicKey + "\n");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Sshd))
        {
            throw new InvalidOperationException($"{Sshd} is missing: apt-get install openssh-server (deploy/test.sh does).");
        }

        // sshd insists on its privilege separation directory, which only its service scripts create.
        Directory.CreateDirectory("/run/sshd");
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", Path.Combine(_dir, "host_ed25519"));
        await File.WriteAllTextAsync(Path.Combine(_dir, "authorized_keys"), DeployKey.PublicKey + "\n");

        // A random address rarely collides; if sshd cannot bind it, another one is tried.
        Exception? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                await StartAsync(RandomLoopbackAddress());
                return;
            }
            catch (InvalidOperationException ex)
            {
                last = ex;
                Stop();
            }
        }

        throw new InvalidOperationException("sshd did not start on any loopback address.", last);
    }

    public Task DisposeAsync()
    {
        Stop();
        Repositories.Dispose();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    private async Task StartAsync(IPAddress address)
    {
        Address = address.ToString();
        Port = FreePort(address);
        StallPort = FreePort(address);
        var config = Path.Combine(_dir, "sshd_config");
        await File.WriteAllTextAsync(config, $"""
            ListenAddress {Address}:22
            ListenAddress {Address}:{Port}
            ListenAddress {Address}:{StallPort}
            HostKey {Path.Combine(_dir, "host_ed25519")}
            PidFile {Path.Combine(_dir, "sshd.pid")}
            AuthorizedKeysFile {Path.Combine(_dir, "authorized_keys")}
            StrictModes no
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            PermitRootLogin prohibit-password
            PrintMotd no
            PrintLastLog no
            MaxStartups 64
            LogLevel VERBOSE
            Match LocalPort {StallPort}
                ForceCommand cat

            """);

        var start = new ProcessStartInfo(Sshd)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-D", "-e", "-f", config })
        {
            start.ArgumentList.Add(arg);
        }

        _sshd = Process.Start(start) ?? throw new InvalidOperationException("sshd did not start.");
        _sshd.OutputDataReceived += (_, e) => Keep(e.Data);
        _sshd.ErrorDataReceived += (_, e) => Keep(e.Data);
        _sshd.BeginOutputReadLine();
        _sshd.BeginErrorReadLine();

        await Wait.UntilAsync(ListensAsync, $"sshd on {Address} ports 22, {Port} and {StallPort}", StartTimeout);
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _log.Enqueue(line);
        }
    }

    private async Task<bool> ListensAsync()
    {
        if (_sshd is { HasExited: true })
        {
            throw new InvalidOperationException($"sshd exited with {_sshd.ExitCode}: {string.Join('\n', _log)}");
        }

        foreach (var port in new[] { 22, Port, StallPort })
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Parse(Address), port);
            }
            catch (SocketException)
            {
                return false;
            }
        }

        return true;
    }

    private void Stop()
    {
        if (_sshd is { HasExited: false })
        {
            // The tree: each connection has its own sshd child, and the stall port's cat.
            _sshd.Kill(entireProcessTree: true);
            _sshd.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _sshd?.Dispose();
        _sshd = null;
    }

    private static IPAddress RandomLoopbackAddress() =>
        new([127, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(0, 256), (byte)Random.Shared.Next(1, 255)]);

    private static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string fileName, params string[] args) =>
        (await ProcessRunner.RunAsync(fileName, args, TimeSpan.FromSeconds(30))).EnsureSuccess();
}
