using System.Net.Sockets;
using System.Text;

namespace GoForge.Infrastructure.Proxy.Caddy;

/// <summary>
/// How GoForge's HTTP requests reach Caddy's admin API: over TCP to the loopback <see cref="CaddyOptions.AdminUrl"/>,
/// or over the unix socket <see cref="CaddyOptions.AdminSocket"/>. Never through an HTTP proxy from the environment.
/// </summary>
/// <remarks>
/// On a unix listener Caddy 2.6.2 allows exactly one Host: the empty one (its admin API compares the Host header with the
/// allowed origins, and for a unix address that list is <c>""</c>; <c>Host: localhost</c> is answered
/// <c>403 host not allowed</c>; checked against the binary). .NET's handler always writes a Host from the request URI,
/// and a second, empty one added by hand makes a duplicate Caddy refuses with 400. So requests name a reserved host
/// (<see cref="SocketHost"/>, <c>.invalid</c>: it can never be a real one), and the socket's stream writes that
/// header line as <c>Host: </c>.
/// </remarks>
internal static class CaddyAdminTransport
{
    /// <summary>The host socket requests are addressed to; sent to Caddy as an empty Host.</summary>
    public const string SocketHost = "goforge-caddy-admin.invalid";

    private static readonly Uri SocketBase = new($"http://{SocketHost}/");

    /// <summary>The admin API's URL for <paramref name="path"/> (relative, e.g. <c>config/</c>).</summary>
    public static Uri Url(CaddyOptions options, string path) =>
        new(options.AdminSocket is null ? options.AdminUrl ?? CaddyOptions.DefaultAdminUrl : SocketBase, path);

    /// <summary>The primary handler of the admin API's named client.</summary>
    public static SocketsHttpHandler CreateHandler(CaddyOptions options)
    {
        var handler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false };
        if (options.AdminSocket is { } path)
        {
            handler.ConnectCallback = (_, ct) => ConnectAsync(path, ct);
        }

        return handler;
    }

    private static async ValueTask<Stream> ConnectAsync(string path, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
            return new EmptyHostStream(new NetworkStream(socket, ownsSocket: true));
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new HttpRequestException($"connecting to the unix socket {path} failed: {e.Message} ({e.SocketErrorCode})", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Writes the request header line <c>Host: goforge-caddy-admin.invalid</c> as <c>Host: </c>; everything else passes as it is.</summary>
    internal sealed class EmptyHostStream(Stream inner) : Stream
    {
        // The whole line with the CRLF on both sides: a JSON body never holds a raw CR or LF, so only the header matches.
        private static readonly byte[] Named = Encoding.ASCII.GetBytes($"\r\nHost: {SocketHost}\r\n");
        private static readonly byte[] Empty = Encoding.ASCII.GetBytes("\r\nHost: \r\n");

        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(Rewrite(buffer) ?? buffer);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(Rewrite(buffer.Span) is { } rewritten ? rewritten : buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        /// <summary>The bytes with the Host line emptied; null when they hold none (the request line and Host go out in the first write of a request).</summary>
        internal static byte[]? Rewrite(ReadOnlySpan<byte> buffer)
        {
            var at = buffer.IndexOf(Named);
            if (at < 0)
            {
                return null;
            }

            var rewritten = new byte[buffer.Length - Named.Length + Empty.Length];
            buffer[..at].CopyTo(rewritten);
            Empty.CopyTo(rewritten.AsSpan(at));
            buffer[(at + Named.Length)..].CopyTo(rewritten.AsSpan(at + Empty.Length));
            return rewritten;
        }
    }
}
