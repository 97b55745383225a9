using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GoForge.Tests.Harness;

/// <summary>
/// A real SMTP server (Debian's <c>python3-aiosmtpd</c>) on a free loopback port that stores each message it accepts in
/// a Maildir. It requires STARTTLS with a certificate made here for 127.0.0.1 (<see cref="Certificate"/>, for the client
/// to trust exactly it). Killed and its folder removed on dispose, or when the test host ends.
/// </summary>
public sealed class SmtpServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly string _root = Directory.CreateTempSubdirectory("goforge-smtp-").FullName;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;
    private ExitGuard? _exitGuard;

    private SmtpServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>The server's self-made certificate (CN and SAN 127.0.0.1).</summary>
    public X509Certificate2 Certificate { get; private set; } = null!;

    private string Maildir => Path.Combine(_root, "mail");

    public static async Task<SmtpServer> StartAsync()
    {
        const string python = "/usr/bin/python3"; // Debian's, where apt installs aiosmtpd (not a pyenv shim's)
        if (!File.Exists(python) || (await ProcessRunner.RunAsync(python, ["-c", "import aiosmtpd"], TimeSpan.FromSeconds(30))).ExitCode != 0)
        {
            throw new InvalidOperationException("aiosmtpd is not installed: apt-get install -y python3-aiosmtpd.");
        }

        var server = new SmtpServer(HostSystem.FreeTcpPort());
        try
        {
            await server.StartProcessAsync(python);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Every message received so far, as raw RFC 5322 text.</summary>
    public IReadOnlyList<string> Messages()
    {
        var folder = Path.Combine(Maildir, "new");
        return Directory.Exists(folder) ? Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList() : [];
    }

    private async Task StartProcessAsync(string python)
    {
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
            Certificate = X509CertificateLoader.LoadCertificate(made.Export(X509ContentType.Cert));
            await File.WriteAllTextAsync(Path.Combine(_root, "cert.pem"), made.ExportCertificatePem());
            await File.WriteAllTextAsync(Path.Combine(_root, "key.pem"), key.ExportPkcs8PrivateKeyPem());
        }

        var startInfo = new ProcessStartInfo(python)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _root,
        };
        foreach (var arg in new[]
                 {
                     "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}",
                     "--tlscert", Path.Combine(_root, "cert.pem"), "--tlskey", Path.Combine(_root, "key.pem"),
                     "-c", "aiosmtpd.handlers.Mailbox", Maildir,
                 })
        {
            startInfo.ArgumentList.Add(arg);
        }

        _exitGuard = new ExitGuard(StopAsync);
        _process = Process.Start(startInfo) ?? throw new InvalidOperationException("aiosmtpd could not be started.");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilListeningAsync();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private async Task WaitUntilListeningAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        while (true)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"aiosmtpd exited ({_process.ExitCode}):\n{string.Join('\n', _output)}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, Port, timeout.Token);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, timeout.Token);
            }
        }
    }

    private async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (_exitGuard is not null)
        {
            await _exitGuard.RunAsync();
            _exitGuard.Dispose();
        }
        else
        {
            await StopAsync();
        }

        Certificate?.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
    }
}
