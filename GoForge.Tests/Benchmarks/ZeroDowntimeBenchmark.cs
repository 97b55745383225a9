using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using GoForge.Tests.Harness;
using GoForge.Tests.Proxy;
using Xunit.Abstractions;

namespace GoForge.Tests.Benchmarks;

/// <summary>
/// Figures, not assertions (excluded from the default run): a steady stream of requests through Caddy while the
/// application is redeployed three times by the worker, with requests sent, failed, and p50/p99 latency. Target:
/// 0 failed. See docs/benchmarks.md for running the same stream through Traefik on a real server.
/// </summary>
[Trait("Category", "Benchmark")]
[Collection(PostgresCollection.Name)]
public sealed class ZeroDowntimeBenchmark(PostgresFixture postgres, DockerFixture docker, CaddyFixture caddy, ITestOutputHelper output)
    : IClassFixture<DockerFixture>, IClassFixture<CaddyFixture>, IAsyncLifetime
{
    private const int RequestsPerSecond = 200;
    private const int Redeploys = 3;
    private const string Host = "app-steady.test";
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);

    private CaddyPanel _panel = null!;

    public async Task InitializeAsync() => _panel = await CaddyPanel.StartAsync(postgres, docker, caddy, "zerodowntime");

    public async Task DisposeAsync() => await _panel.DisposeAsync();

    [Fact]
    public async Task Requests_through_caddy_during_three_redeploys()
    {
        var app = await _panel.CreateAppAsync("steady", Host);
        app.Serve("v1");
        await _panel.DeployAsync(app);

        var results = new ConcurrentQueue<Outcome>();
        using var stop = new CancellationTokenSource();
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 256 })
        {
            Timeout = RequestTimeout,
        };
        var load = Task.Run(() => SteadyStreamAsync(http, results, stop.Token));

        var deploys = new List<string>();
        for (var version = 2; version <= Redeploys + 1; version++)
        {
            var body = $"v{version.ToString(CultureInfo.InvariantCulture)}";
            app.Serve(body);
            var started = Stopwatch.GetTimestamp();
            var deployment = await _panel.DeployAsync(app);
            deploys.Add($"{body}: {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms (deployment {deployment.Id})");
        }

        // A measured stretch after the third switch (a window, not a wait for anything), so requests around it count too.
        await Task.Delay(TimeSpan.FromSeconds(1));
        await stop.CancelAsync();
        var inFlight = await load;
        await Task.WhenAll(inFlight);

        var all = results.ToList();
        var failed = all.Where(r => r.Error is not null).ToList();
        var latencies = all.Where(r => r.Error is null).Select(r => r.Milliseconds).Order().ToList();
        var elapsed = all.Count == 0 ? 0 : (all.Max(r => r.SentAt) - all.Min(r => r.SentAt)).TotalSeconds;
        output.WriteLine($"redeploys: {Redeploys}  ({string.Join("; ", deploys)})");
        output.WriteLine($"requests sent: {all.Count} over {elapsed:F1} s ({all.Count / Math.Max(elapsed, 0.001):F0} req/s, target {RequestsPerSecond})");
        output.WriteLine($"failed: {failed.Count} (target 0)");
        output.WriteLine($"latency p50 {Percentile(latencies, 0.50):F1} ms  p99 {Percentile(latencies, 0.99):F1} ms  max {(latencies.Count == 0 ? 0 : latencies[^1]):F1} ms");
        output.WriteLine("answers by body: " + string.Join(", ", all.Where(r => r.Error is null).GroupBy(r => r.Body).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}")));
        foreach (var reason in failed.GroupBy(r => r.Error).OrderByDescending(g => g.Count()))
        {
            output.WriteLine($"  {reason.Count()} x {reason.Key} (first at {reason.Min(r => r.SentAt):HH:mm:ss.fff})");
        }

        if (failed.Count > 0)
        {
            output.WriteLine("caddy's last lines:\n" + caddy.OutputTail());
        }
    }

    /// <summary>Sends one request every 1/<see cref="RequestsPerSecond"/> s on schedule (not after the previous answer), until stopped.</summary>
    private async Task<List<Task>> SteadyStreamAsync(HttpClient http, ConcurrentQueue<Outcome> results, CancellationToken stop)
    {
        var inFlight = new List<Task>();
        var interval = TimeSpan.FromSeconds(1.0 / RequestsPerSecond);
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

            inFlight.Add(SendOneAsync(http, results));
        }

        return inFlight;
    }

    private async Task SendOneAsync(HttpClient http, ConcurrentQueue<Outcome> results)
    {
        var sentAt = DateTimeOffset.UtcNow;
        var started = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{caddy.HttpPort.ToString(CultureInfo.InvariantCulture)}/"));
        request.Headers.Host = Host;
        try
        {
            using var response = await http.SendAsync(request);
            var body = (await response.Content.ReadAsStringAsync()).Trim();
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            results.Enqueue(response.StatusCode == HttpStatusCode.OK
                ? new Outcome(sentAt, ms, body, null)
                : new Outcome(sentAt, ms, body, $"HTTP {(int)response.StatusCode} {body}"));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            results.Enqueue(new Outcome(sentAt, Stopwatch.GetElapsedTime(started).TotalMilliseconds, "", e is TaskCanceledException ? "time-out" : e.Message));
        }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private sealed record Outcome(DateTimeOffset SentAt, double Milliseconds, string Body, string? Error);
}
