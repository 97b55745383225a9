using System.Net;
using System.Net.Sockets;

namespace GoForge.Tests.Harness;

/// <summary>
/// A TCP relay on a free loopback port to a real server (e.g. <c>git daemon</c>). While <see cref="Stall"/> is on,
/// new connections are accepted and held without a word, as a server that hangs; <see cref="Resume"/> drops those
/// and relays again. Connections relayed before a stall are left alone.
/// </summary>
internal sealed class StallingRelay : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly List<Socket> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _stalled;
    private int _heldCount;

    public StallingRelay(IPEndPoint upstream)
    {
        _upstream = upstream;
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections held silent since the relay was made.</summary>
    public int HeldConnections => Volatile.Read(ref _heldCount);

    public void Stall() => _stalled = true;

    public void Resume()
    {
        _stalled = false;
        lock (_held)
        {
            _held.ForEach(s => s.Dispose());
            _held.Clear();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        Resume();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                if (_stalled)
                {
                    lock (_held)
                    {
                        _held.Add(socket);
                    }

                    Interlocked.Increment(ref _heldCount);
                }
                else
                {
                    _ = RelayAsync(socket);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var downstream = new NetworkStream(client, ownsSocket: true);
        using var server = new TcpClient();
        try
        {
            await server.ConnectAsync(_upstream, _stop.Token);
            var upstream = server.GetStream();
            // Each side's end of sending is passed on as a half-close; the pair ends when both have ended.
            await Task.WhenAll(Pump(downstream, upstream), Pump(upstream, downstream));
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // A connection cut short: the client sees the close.
        }
    }

    private async Task Pump(Stream from, Stream to)
    {
        try
        {
            await from.CopyToAsync(to, _stop.Token);
            if (to is NetworkStream network)
            {
                network.Socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // One side reset the connection (git daemon does when it refuses a request): pass the reset on to both
            // sides, or the other would wait on the relay for ever.
            Reset(from);
            Reset(to);
        }
    }

    private static void Reset(Stream stream)
    {
        try
        {
            if (stream is NetworkStream network)
            {
                network.Socket.LingerState = new LingerOption(true, 0);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }

        stream.Dispose();
    }
}
