using LibGit2Sharp;

namespace GoForge.Infrastructure.Git;

/// <summary>
/// libgit2's ssh transport, replaced: the bundled libgit2 runs the ssh binary through a command line, which can take
/// neither an in-memory key nor our no-shell rule. This one speaks SSH in process with SSH.NET. It is stateful (not
/// RPC): the ref listing and the upload-pack negotiation share one connection and one stream, as with git over ssh.
/// libgit2 creates an instance per fetch; the clone's key and token reach it through <see cref="SshCloneContext"/>.
/// </summary>
internal sealed class SshSubtransport : SmartSubtransport
{
    private static readonly Lazy<bool> Registration = new(Register, LazyThreadSafetyMode.ExecutionAndPublication);

    private SshConnection? _connection;
    private ConnectionStream? _stream;

    /// <summary>Registers the transport for every ssh scheme (and so for scp-like URLs), once per process.</summary>
    public static void EnsureRegistered() => _ = Registration.Value;

    protected override SmartSubtransportStream Action(string url, GitSmartSubtransportAction action)
    {
        switch (action)
        {
            case GitSmartSubtransportAction.UploadPackList:
                Close();
                _connection = SshConnection.Open(url);
                var stream = new ConnectionStream(this, _connection);
                _stream = stream;
                return stream;
            case GitSmartSubtransportAction.UploadPack:
                // Stateful: the negotiation continues on the connection that listed the refs (libgit2 checks it is
                // the same stream).
                return _stream ?? throw new InvalidOperationException("libgit2 asked for upload-pack before listing the refs.");
            case GitSmartSubtransportAction.ReceivePackList:
            case GitSmartSubtransportAction.ReceivePack:
            default:
                throw new NotSupportedException("GoForge only fetches over SSH; pushing is not supported.");
        }
    }

    protected override void Close()
    {
        _stream = null;
        _connection?.Dispose();
        _connection = null;
        base.Close();
    }

    private static bool Register()
    {
        // libgit2 sends scp-like URLs (user@host:path) to whatever is registered for "ssh", so they come here too.
        foreach (var scheme in SshRemote.Schemes)
        {
            GlobalSettings.RegisterSmartSubtransport<SshSubtransport>(scheme);
        }

        return true;
    }

    /// <summary>libgit2's view of the connection: bytes in, bytes out.</summary>
    private sealed class ConnectionStream(SshSubtransport owner, SshConnection connection) : SmartSubtransportStream(owner)
    {
        private const int ChunkSize = 64 * 1024;
        private readonly byte[] _buffer = new byte[ChunkSize];

        public override int Read(Stream dataStream, long length, out long bytesRead)
        {
            var n = connection.Read(_buffer, (int)Math.Min(length, ChunkSize));
            dataStream.Write(_buffer, 0, n);
            bytesRead = n;
            return 0;
        }

        public override int Write(Stream dataStream, long length)
        {
            var data = new byte[length];
            dataStream.ReadExactly(data);
            connection.Write(data);
            return 0;
        }
    }
}
