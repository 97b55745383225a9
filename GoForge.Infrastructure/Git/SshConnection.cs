using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace GoForge.Infrastructure.Git;

/// <summary>
/// One SSH session running git-upload-pack on the server: the deploy key from memory, the host key checked during the
/// key exchange (before the key is offered), the command's stdin and stdout as the Git protocol's two directions.
/// Every failure is recorded in words on the clone's <see cref="SshCloneContext"/>, never with key material.
/// </summary>
internal sealed class SshConnection : IDisposable
{
    // The handshake's own limit; the clone as a whole is bounded by the caller's token (the deployment's time-out).
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);

    private readonly SshCloneContext _context;
    private readonly SshRemote _remote;
    private readonly string _user;
    private readonly PrivateKeyFile _key;
    private readonly PrivateKeyAuthenticationMethod _authentication;
    private readonly SshClient _client;
    private SshCommand? _command;
    private Stream? _stdin;
    private Task? _execution;
    private CancellationTokenRegistration _abort;
    private string? _hostKeyRefusal;
    private bool _received;
    private int _disposed;

    /// <param name="address">The checked address of the remote's host (<see cref="RepositoryEndpoint"/>): SSH.NET connects to it, resolving nothing.</param>
    private SshConnection(SshCloneContext context, SshRemote remote, PrivateKeyFile key, string address)
    {
        _context = context;
        _remote = remote;
        // The URL's user wins, as with git; the credentials' user is for URLs that name none (host:path).
        _user = remote.User ?? context.Key.Username;
        _key = key;
        _authentication = new PrivateKeyAuthenticationMethod(_user, key);
        var info = new ConnectionInfo(address, remote.Port, _user, _authentication) { Timeout = HandshakeTimeout };
        _client = new SshClient(info);
        _client.HostKeyReceived += CheckHostKey;
    }

    private string Where => $"{_remote.Host}:{_remote.Port}";

    private CancellationToken Token => _context.CancellationToken;

    /// <summary>Connects and starts git-upload-pack for <paramref name="url"/>, which must be the current clone's URL.</summary>
    public static SshConnection Open(string url)
    {
        var context = SshCloneContext.Current
            ?? throw new InvalidOperationException("This SSH clone has no deploy key: ssh URLs are cloned only through GoForge's Git client.");
        if (!string.Equals(url, context.Url, StringComparison.Ordinal))
        {
            // Never offer the key anywhere but where the clone was asked to go (libgit2 follows no redirects over
            // ssh, and submodules are not fetched, so this is defence in depth).
            throw Fail(context, $"libgit2 asked the SSH transport for {GitRedaction.Url(url)}, not for the clone's URL.");
        }

        var remote = SshRemote.Parse(url);
        var address = CheckedAddress(context, remote);
        var connection = new SshConnection(context, remote, LoadKey(context), address);
        try
        {
            connection.Connect();
            connection.Start();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The address to connect to, resolved once and checked (local and private ones only when allowed).</summary>
    private static string CheckedAddress(SshCloneContext context, SshRemote remote)
    {
        var allow = GitNetworkContext.Current?.AllowPrivateNetworks ?? false;
        try
        {
            return RepositoryEndpoint.ResolveAsync(remote.Host, allow, context.CancellationToken).GetAwaiter().GetResult()[0].ToString();
        }
        catch (RepositoryAddressRefusedException e)
        {
            throw Fail(context, e.Message);
        }
        catch (SocketException e)
        {
            throw Fail(context, $"Could not resolve the SSH server {remote.Host}: {e.Message}");
        }
    }

    /// <summary>Up to <paramref name="count"/> bytes of upload-pack's output; 0 at its end.</summary>
    public int Read(byte[] buffer, int count)
    {
        var stdout = _command!.OutputStream;
        // The wait, not the read, observes the token: a server that sends nothing must not hold a cancelled clone.
        var read = stdout.ReadAsync(buffer.AsMemory(0, count), Token).AsTask();
        int n;
        try
        {
            n = read.WaitAsync(Token).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !Token.IsCancellationRequested)
        {
            throw Fail(_context, $"The SSH connection to {Where} broke: {ex.Message}");
        }
        finally
        {
            Observe(read);
        }

        if (n > 0)
        {
            _received = true;
        }
        else
        {
            ExplainEndOfOutput();
        }

        return n;
    }

    public void Write(byte[] data)
    {
        var write = _stdin!.WriteAsync(data, Token).AsTask();
        try
        {
            write.WaitAsync(Token).GetAwaiter().GetResult();
            _stdin.Flush();
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !Token.IsCancellationRequested)
        {
            throw Fail(_context, $"The SSH connection to {Where} broke while sending: {ex.Message}");
        }
        finally
        {
            Observe(write);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _abort.Dispose();
        try
        {
            // Sends EOF to upload-pack; after a cancel the session is gone already.
            _stdin?.Dispose();
        }
        catch (Exception ex) when (ex is SshException or IOException or ObjectDisposedException or InvalidOperationException)
        {
        }

        _command?.Dispose();
        if (_execution is not null)
        {
            Observe(_execution);
        }

        _client.HostKeyReceived -= CheckHostKey;
        _client.Dispose();
        _authentication.Dispose();
        _key.Dispose();
    }

    private static PrivateKeyFile LoadKey(SshCloneContext context)
    {
        // Parsed from memory: the key never touches the disk.
        var bytes = Encoding.UTF8.GetBytes(context.Key.PrivateKey);
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            return new PrivateKeyFile(stream);
        }
        catch (SshPassPhraseNullOrEmptyException)
        {
            throw Fail(context, "The deploy key is encrypted with a passphrase; GoForge needs an unencrypted OpenSSH private key.");
        }
        catch (Exception ex) when (ex is SshException or ArgumentException or FormatException or InvalidOperationException or NotSupportedException or CryptographicException)
        {
            // The parser's own message is left out on purpose: it is the one place that reads the key itself.
            throw Fail(context, "The deploy key is not a valid OpenSSH private key.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private void CheckHostKey(object? sender, HostKeyEventArgs e)
    {
        var shown = "SHA256:" + e.FingerPrintSHA256;
        _context.HostKey = shown;
        if (_context.Key.KnownHostKey is { } pinned && !string.Equals(NormalizeFingerprint(pinned), shown, StringComparison.Ordinal))
        {
            // Refused during the key exchange, so the deploy key is never offered to a server that is not the pinned one.
            e.CanTrust = false;
            _hostKeyRefusal = $"The SSH server at {Where} showed host key {shown}, but {pinned} is pinned for this repository, so GoForge refused to connect. " +
                "If the server's key was changed on purpose, clear the pinned host key to trust the new one.";
        }
    }

    /// <summary>"SHA256:abc" as ssh-keygen prints it; tolerates a missing prefix, padding and surrounding spaces.</summary>
    internal static string NormalizeFingerprint(string fingerprint)
    {
        var value = fingerprint.Trim();
        if (value.StartsWith("SHA256:", StringComparison.OrdinalIgnoreCase))
        {
            value = value[7..];
        }

        return "SHA256:" + value.TrimEnd('=');
    }

    private void Connect()
    {
        try
        {
            _client.ConnectAsync(Token).GetAwaiter().GetResult();
        }
        catch (Exception) when (Token.IsCancellationRequested)
        {
            throw new OperationCanceledException("The clone was cancelled.", Token);
        }
        catch (SshConnectionException) when (_hostKeyRefusal is not null)
        {
            throw Fail(_context, _hostKeyRefusal);
        }
        catch (SshAuthenticationException ex)
        {
            throw Fail(_context, $"The SSH server at {Where} refused the deploy key for user '{_user}' ({ex.Message.TrimEnd('.')}). " +
                "Check that the deploy key's public line is added to the repository, and the user name in the URL.");
        }
        catch (SshOperationTimeoutException)
        {
            throw Fail(_context, $"The SSH server at {Where} did not complete the handshake within {HandshakeTimeout.TotalSeconds:0} s.");
        }
        catch (SocketException ex)
        {
            throw Fail(_context, $"Could not connect to the SSH server at {Where}: {ex.Message}");
        }
        catch (Exception ex) when (ex is SshException or IOException)
        {
            throw Fail(_context, $"SSH to {Where} failed: {ex.Message}");
        }
    }

    private void Start()
    {
        _command = _client.CreateCommand(_remote.UploadPackCommand);
        // The command's own task is only observed; cancellation goes through Abort, which ends everything at once.
        _execution = _command.ExecuteAsync(CancellationToken.None);
        _stdin = _command.CreateInputStream();
        _abort = Token.Register(static state => ((SshConnection)state!).Abort(), this);
    }

    /// <summary>On cancellation: drop the session, which ends upload-pack's streams and any read waiting on them.</summary>
    private void Abort()
    {
        try
        {
            _client.Disconnect();
        }
        catch (Exception ex) when (ex is SshException or IOException or ObjectDisposedException or SocketException)
        {
            // Already gone: that is what we wanted.
        }
    }

    /// <summary>Upload-pack ended its output; if it sent nothing, its stderr usually says why (no such repository...).</summary>
    private void ExplainEndOfOutput()
    {
        if (_received || Token.IsCancellationRequested)
        {
            return;
        }

        var error = ReadError();
        throw Fail(_context, error.Length == 0
            ? $"The SSH server at {Where} closed the connection without answering for '{_remote.Path}'."
            : $"The SSH server at {Where} answered: {error}");
    }

    private string ReadError()
    {
        // The command has ended by now, so stderr is complete; a line or two is enough to say why.
        var buffer = new byte[2048];
        var total = 0;
        try
        {
            var stderr = _command!.ExtendedOutputStream;
            int n;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            while (total < buffer.Length && (n = stderr.ReadAsync(buffer.AsMemory(total), timeout.Token).AsTask().WaitAsync(timeout.Token).GetAwaiter().GetResult()) > 0)
            {
                total += n;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or IOException or SshException)
        {
            // Whatever arrived is what we can tell.
        }

        var text = Encoding.UTF8.GetString(buffer, 0, total);
        return string.Join(" ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => new string(line.Where(c => !char.IsControl(c)).ToArray())));
    }

    private static InvalidOperationException Fail(SshCloneContext context, string message)
    {
        context.Failure.Record(message);
        return new InvalidOperationException(message);
    }

    private static void Observe(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
