using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using GoForge.Tests.Harness;

namespace GoForge.Tests.Support;

/// <summary>
/// A steady stream of GET / through a real proxy (the Caddy fixture, or the production stack's over HTTPS) to one host name: one request every 1/<c>rate</c> s on schedule
/// (not after the previous answer, so a stall shows as failures rather than as fewer requests), each with its own
/// time-out. Anything but 200 is a failure. The zero-downtime benchmark prints its figures; the crash tests assert
/// its count of failures.
/// </summary>
internal sealed class SteadyTraffic : IAsyncDisposable
{
    private readonly Func<HttpRequestMessage> _newRequest;
    private readonly HttpClient _http;
    private readonly ConcurrentQueue<TrafficOutcome> _outcomes = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<List<Task>> _stream;

    private SteadyTraffic(HttpMessageHandler handler, Func<HttpRequestMessage> newRequest, int requestsPerSecond, TimeSpan requestTimeout)
    {
        _newRequest = newRequest;
        _http = new HttpClient(handler)
        {
            Timeout = requestTimeout,
        };
        _stream = Task.Run(() => StreamAsync(TimeSpan.FromSeconds(1.0 / requestsPerSecond), _stop.Token));
    }

    /// <summary>Starts sending at once.</summary>
    public static SteadyTraffic Start(CaddyFixture caddy, string host, int requestsPerSecond, TimeSpan? requestTimeout = null) =>
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 256 },
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{caddy.HttpPort.ToString(CultureInfo.InvariantCulture)}/"));
                request.Headers.Host = host;
                return request;
            },
            requestsPerSecond,
            requestTimeout ?? TimeSpan.FromSeconds(2));

    /// <summary>Starts sending GET <paramref name="url"/> through <paramref name="handler"/> (owned: disposed with the traffic), at once.</summary>
    public static SteadyTraffic Start(HttpMessageHandler handler, Uri url, int requestsPerSecond, TimeSpan requestTimeout) =>
        new(handler, () => new HttpRequestMessage(HttpMethod.Get, url), requestsPerSecond, requestTimeout);

    /// <summary>Stops sending, waits for the answers of the requests in flight and returns every outcome.</summary>
    public async Task<TrafficReport> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(await _stream);
        return new TrafficReport([.. _outcomes.OrderBy(o => o.SentAt)]);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _http.Dispose();
        _stop.Dispose();
    }

    private async Task<List<Task>> StreamAsync(TimeSpan interval, CancellationToken stop)
    {
        var inFlight = new List<Task>();
        var clock = Stopwatch.StartNew();
        for (long i = 0; !stop.IsCancellationRequested; i++)
        {
            var due = interval * i;
            if (due > clock.Elapsed)
            {
                try
                {
                    await Task.Delay(due - clock.Elapsed, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            inFlight.Add(SendOneAsync());
        }

        return inFlight;
    }

    private async Task SendOneAsync()
    {
        var sentAt = DateTimeOffset.UtcNow;
        var started = Stopwatch.GetTimestamp();
        try
        {
            await SendOneAsync(sentAt, started);
        }
        catch (HttpRequestException e) when (NoAnswerFromTheProxy(e))
        {
            // The proxy cut the connection before it answered a single byte. The proxy under test answers every
            // failure of an upstream (gone, refused, reset, slow) with an HTTP status (502, 504), so a cut without an
            // answer is the proxy's own listener: Caddy hands its listener to a new server on every config reload, and a
            // connection caught in that instant is dropped (caddyserver/caddy#4184). That is a proxy matter, not the
            // switch of upstreams under test. A browser opens a new connection and retries an idempotent GET; so does
            // this, once, and counts it (the report shows the retries). Any answer, a time-out, or a second cut is
            // never retried.
            await SendOneAsync(sentAt, started, isRetry: true);
        }
    }

    /// <summary>
    /// True when the request failed at the transport with no byte of an answer: the connection was refused or cut
    /// (its TLS handshake included), or it ended or was reset before the status line. An HTTP answer of any status and a
    /// time-out are never this.
    /// </summary>
    private static bool NoAnswerFromTheProxy(HttpRequestException e) =>
        e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError or HttpRequestError.ResponseEnded
        || (e.HttpRequestError is HttpRequestError.Unknown && e.InnerException is IOException or System.Net.Sockets.SocketException);

    private async Task SendOneAsync(DateTimeOffset sentAt, long started, bool isRetry = false)
    {
        using var request = _newRequest();
        // A new connection per request, as a browser's retry would give: on a kept-alive connection a request can
        // race the proxy closing that idle connection as its config reloads (HTTP/1.1's known race, which clients
        // answer by retrying an idempotent request), and that would count as a failure of the switch.
        request.Headers.ConnectionClose = true;
        HttpResponseMessage response;
        try
        {
            // Headers only: a cut after the status line (an upstream that died mid-answer) fails below, never retried.
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        }
        catch (HttpRequestException e) when (!isRetry && NoAnswerFromTheProxy(e))
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Fail(e);
            return;
        }

        try
        {
            using (response)
            {
                var body = (await response.Content.ReadAsStringAsync()).Trim();
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                _outcomes.Enqueue(response.StatusCode == HttpStatusCode.OK
                    ? new TrafficOutcome(sentAt, ms, body, null, isRetry)
                    : new TrafficOutcome(sentAt, ms, body, $"HTTP {(int)response.StatusCode} {body}", isRetry));
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Fail(e);
        }

        void Fail(Exception e)
        {
            var error = e switch
            {
                TaskCanceledException => "time-out",
                HttpRequestException h => $"{h.Message} ({h.HttpRequestError}{(h.InnerException is { } inner ? ": " + inner.Message : "")})",
                _ => e.Message,
            };
            _outcomes.Enqueue(new TrafficOutcome(sentAt, Stopwatch.GetElapsedTime(started).TotalMilliseconds, "", error, isRetry));
        }
    }
}

/// <summary>
/// One request of a <see cref="SteadyTraffic"/>: when it was sent, how long its answer took, the body, why it failed (null
/// when it did not), and whether it is the one retry of a request the proxy cut before answering.
/// </summary>
internal sealed record TrafficOutcome(DateTimeOffset SentAt, double Milliseconds, string Body, string? Error, bool Retried = false);

/// <summary>Every outcome of a <see cref="SteadyTraffic"/>, oldest first.</summary>
internal sealed record TrafficReport(IReadOnlyList<TrafficOutcome> Outcomes)
{
    public IReadOnlyList<TrafficOutcome> Failed => [.. Outcomes.Where(o => o.Error is not null)];

    /// <summary>How many requests were sent a second time after the proxy cut them before answering.</summary>
    public int Retried => Outcomes.Count(o => o.Retried);

    /// <summary>Seconds from the first request sent to the last.</summary>
    public double Seconds => Outcomes.Count == 0 ? 0 : (Outcomes[^1].SentAt - Outcomes[0].SentAt).TotalSeconds;

    /// <summary>The answered requests' latency at <paramref name="p"/> (0–1), in ms.</summary>
    public double Percentile(double p)
    {
        var sorted = Outcomes.Where(o => o.Error is null).Select(o => o.Milliseconds).Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    /// <summary>How many answers carried each body, e.g. <c>v1=400, v2=390</c>.</summary>
    public string BodyCounts() =>
        string.Join(", ", Outcomes.Where(o => o.Error is null).GroupBy(o => o.Body).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}"));

    /// <summary>The failures grouped by reason, most frequent first, with the time of the first of each.</summary>
    public string FailureSummary() =>
        string.Join('\n', Failed.GroupBy(o => o.Error).OrderByDescending(g => g.Count())
            .Select(g => $"  {g.Count()} x {g.Key} (first at {g.Min(o => o.SentAt):HH:mm:ss.fff})"));
}
