using System.Net.Sockets;
using System.Text.Json;
using Docker.DotNet;

namespace GoForge.Infrastructure.Docker.Monitoring;

/// <summary>
/// Plain HTTP to the engine endpoint, for the two calls Docker.DotNet.Enhanced 4.3.3 cannot make against the engines
/// GoForge runs on: <c>GET /system/df</c> (its model has only the API 1.52 shape, so against Engine 20.10 / API 1.41
/// every field comes back null) and <c>POST /build/prune</c> (it has no method for it, and no public raw-request API).
/// Paths are unversioned, so the engine answers in its own API version. Errors are thrown as Docker.DotNet's
/// <see cref="DockerApiException"/>, so callers handle both clients alike.
/// </summary>
internal sealed class EngineHttp : IDisposable
{
    /// <summary>How long a disk-usage request waits out another client's running one.</summary>
    internal static readonly TimeSpan DiskUsageWait = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan DiskUsageRetry = TimeSpan.FromMilliseconds(100);

    /// <summary>One disk-usage request at a time per process, whichever adapter asks (the engine allows one).</summary>
    private static readonly SemaphoreSlim DiskUsageGate = new(1, 1);

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromMinutes(5);
    private readonly HttpClient _http;

    public EngineHttp(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var handler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false };
        Uri baseAddress;
        switch (endpoint.Scheme)
        {
            case "unix":
                var socketPath = endpoint.LocalPath;
                handler.ConnectCallback = (_, ct) => ConnectUnixAsync(socketPath, ct);
                // Any host will do: the connection goes to the socket.
                baseAddress = new Uri("http://docker.sock/");
                break;
            case "tcp" or "http":
                baseAddress = new UriBuilder(Uri.UriSchemeHttp, endpoint.Host, endpoint.Port).Uri;
                break;
            case "https":
                baseAddress = new UriBuilder(Uri.UriSchemeHttps, endpoint.Host, endpoint.Port).Uri;
                break;
            default:
                handler.Dispose();
                throw new NotSupportedException($"The Docker endpoint {endpoint} has a scheme GoForge cannot reach (unix, tcp, http or https).");
        }

        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = RequestTimeout };
    }

    public Task<JsonDocument> GetJsonAsync(string pathAndQuery, CancellationToken ct) => SendAsync(HttpMethod.Get, pathAndQuery, ct);

    /// <summary>A GET with request headers (the registry credential's <c>X-Registry-Auth</c>).</summary>
    public Task<JsonDocument> GetJsonAsync(string pathAndQuery, IReadOnlyDictionary<string, string> headers, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, pathAndQuery, ct, headers);

    public Task<JsonDocument> PostJsonAsync(string pathAndQuery, CancellationToken ct) => SendAsync(HttpMethod.Post, pathAndQuery, ct);

    /// <summary>
    /// <c>GET /system/df…</c>. The engine runs one disk-usage operation at a time and refuses a second with "a disk usage
    /// operation is already running": this process asks one at a time, and a refusal caused by another client (another
    /// panel on the engine) is asked again for up to <see cref="DiskUsageWait"/>.
    /// </summary>
    public async Task<JsonDocument> GetDiskUsageAsync(string pathAndQuery, CancellationToken ct)
    {
        await DiskUsageGate.WaitAsync(ct);
        try
        {
            var waited = TimeSpan.Zero;
            while (true)
            {
                try
                {
                    return await SendAsync(HttpMethod.Get, pathAndQuery, ct);
                }
                catch (DockerApiException e) when (waited < DiskUsageWait && e.Message.Contains("disk usage operation is already running", StringComparison.OrdinalIgnoreCase))
                {
                    await Task.Delay(DiskUsageRetry, ct);
                    waited += DiskUsageRetry;
                }
            }
        }
        finally
        {
            DiskUsageGate.Release();
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonDocument> SendAsync(HttpMethod method, string pathAndQuery, CancellationToken ct, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(pathAndQuery, UriKind.Relative));
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new DockerApiException(response.StatusCode, await response.Content.ReadAsStringAsync(ct));
            }

            await using var body = await response.Content.ReadAsStreamAsync(ct);
            return await JsonDocument.ParseAsync(body, cancellationToken: ct);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            // HttpClient reports its own time-out as a cancellation; nobody asked for one.
            throw new TimeoutException($"The Docker engine did not answer {method} /{pathAndQuery} within {RequestTimeout.TotalMinutes:0} minutes.", e);
        }
    }

    private static async ValueTask<Stream> ConnectUnixAsync(string path, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
