using System.Net.Sockets;
using System.Text;
using LibGit2Sharp;

namespace GoForge.Infrastructure.Git;

/// <summary>
/// libgit2's git:// transport, replaced so that its connection goes through <see cref="RepositoryEndpoint"/> (the
/// address checked and pinned). Stateful like ssh: one TCP connection, opened by the request line git daemon expects
/// (<c>git-upload-pack /path\0host=host\0</c>), carries the ref listing and the negotiation.
/// </summary>
internal sealed class GitProtocolSubtransport : SmartSubtransport
{
    private const int DefaultPort = 9418;
    private static readonly Lazy<bool> Registration = new(Register, LazyThreadSafetyMode.ExecutionAndPublication);

    private NetworkStream? _connection;
    private ConnectionStream? _stream;

    public static void EnsureRegistered() => _ = Registration.Value;

    protected override SmartSubtransportStream Action(string url, GitSmartSubtransportAction action)
    {
        switch (action)
        {
            case GitSmartSubtransportAction.UploadPackList:
                Close();
                _connection = Open(url);
                _stream = new ConnectionStream(this, _connection);
                return _stream;
            case GitSmartSubtransportAction.UploadPack:
                return _stream ?? throw new InvalidOperationException("libgit2 asked for upload-pack before listing the refs.");
            default:
                throw new NotSupportedException("GoForge only fetches over git://; pushing is not supported.");
        }
    }

    protected override void Close()
    {
        _stream = null;
        _connection?.Dispose();
        _connection = null;
        base.Close();
    }

    private static NetworkStream Open(string url)
    {
        var context = GitNetworkContext.Current
            ?? throw new InvalidOperationException("git:// URLs are cloned only through GoForge's Git client.");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw Fail(context, $"{GitRedaction.Url(url)} is not a git:// URL GoForge can read.");
        }

        var port = uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port;
        Socket socket;
        try
        {
            socket = RepositoryEndpoint.ConnectAsync(uri.Host, port, context.AllowPrivateNetworks, context.CancellationToken).GetAwaiter().GetResult();
        }
        catch (RepositoryAddressRefusedException e)
        {
            throw Fail(context, e.Message);
        }
        catch (SocketException e)
        {
            throw Fail(context, $"could not connect to {uri.Host}:{port}: {e.Message}");
        }

        var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            // As git and libgit2 send it: the path as written in the URL, the host as written (with its port).
            var path = url[(url.IndexOf('/', url.IndexOf("://", StringComparison.Ordinal) + 3) is var slash and >= 0 ? slash : url.Length)..];
            var authority = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
            var line = $"git-upload-pack {(path.Length == 0 ? "/" : path)}\0host={authority}\0";
            var payload = Encoding.UTF8.GetBytes(line);
            stream.Write(Encoding.ASCII.GetBytes((payload.Length + 4).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)));
            stream.Write(payload);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static InvalidOperationException Fail(GitNetworkContext context, string reason)
    {
        context.Failure.Record(reason);
        return new InvalidOperationException(reason);
    }

    private static bool Register()
    {
        GlobalSettings.RegisterSmartSubtransport<GitProtocolSubtransport>("git");
        return true;
    }

    private sealed class ConnectionStream(GitProtocolSubtransport owner, NetworkStream connection) : SmartSubtransportStream(owner)
    {
        private const int ChunkSize = 64 * 1024;
        private readonly byte[] _buffer = new byte[ChunkSize];

        public override int Read(Stream dataStream, long length, out long bytesRead)
        {
            var n = connection.Read(_buffer, 0, (int)Math.Min(length, ChunkSize));
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
