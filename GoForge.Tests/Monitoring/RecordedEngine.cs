using System.Net;
using System.Net.Sockets;
using System.Text;
using GoForge.Infrastructure.Docker;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Monitoring;

/// <summary>
/// A stand-in engine on a loopback port that answers every request with a recorded body, so a reading recorded from a
/// real engine goes through Docker.DotNet's own HTTP and JSON handling and the adapter, exactly as a live one would.
/// Each connection gets one answer and is closed, which ends a stream.
/// </summary>
internal sealed class RecordedEngine : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, (HttpStatusCode Status, string Body)> _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _requests = [];
    private readonly Task _loop;

    private RecordedEngine(Func<string, (HttpStatusCode Status, string Body)> answer)
    {
        _answer = answer;
        _listener.Start();
        _loop = AcceptAsync();
    }

    public Uri Endpoint => new($"tcp://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>Request lines received so far (<c>GET /containers/x/stats?stream=1</c>).</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Answers with the body the function picks for each request line.</summary>
    public static RecordedEngine Serve(Func<string, (HttpStatusCode Status, string Body)> answer) => new(answer);

    /// <summary>Answers every request with 200 and <paramref name="body"/>.</summary>
    public static RecordedEngine Serve(string body) => new(_ => (HttpStatusCode.OK, body));

    public DockerClientProvider Provider() => new(Options.Create(new DockerOptions { Endpoint = Endpoint }));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping the listener ends the accept loop this way.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var head = new StringBuilder();
            var buffer = new byte[4096];
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            var requestLine = head.ToString().Split("\r\n")[0];
            lock (_requests)
            {
                _requests.Add(requestLine);
            }

            var (status, body) = _answer(requestLine);
            var bytes = Encoding.UTF8.GetBytes(body);
            var response = $"HTTP/1.1 {(int)status} {status}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
            await stream.WriteAsync(bytes, _stop.Token);
        }
    }
}
