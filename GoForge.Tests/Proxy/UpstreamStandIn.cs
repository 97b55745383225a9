using System.Net;
using GoForge.Tests.Harness;

namespace GoForge.Tests.Proxy;

/// <summary>
/// An upstream on a free loopback port that answers every request 200 with <see cref="Body"/> and keeps the
/// X-Forwarded-For each request arrived with, so a test sees what the proxy passed on.
/// </summary>
internal sealed class UpstreamStandIn : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<string?> _forwardedFor = [];

    public UpstreamStandIn(string body)
    {
        Body = body;
        Port = HostSystem.FreeTcpPort();
        _listener.Prefixes.Add($"http://*:{Port}/"); // any Host: the proxy passes the request's own on
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string Body { get; }

    public int Port { get; }

    /// <summary>Caddy's dial for this upstream.</summary>
    public string Dial => $"127.0.0.1:{Port}";

    /// <summary>The X-Forwarded-For header of every request so far, in order (null: none).</summary>
    public IReadOnlyList<string?> ForwardedFor
    {
        get
        {
            lock (_forwardedFor)
            {
                return [.. _forwardedFor];
            }
        }
    }

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            lock (_forwardedFor)
            {
                _forwardedFor.Add(context.Request.Headers["X-Forwarded-For"]);
            }

            var bytes = System.Text.Encoding.UTF8.GetBytes(Body);
            context.Response.StatusCode = 200;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
