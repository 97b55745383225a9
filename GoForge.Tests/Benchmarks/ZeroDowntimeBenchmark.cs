using System.Diagnostics;
using System.Globalization;
using GoForge.Tests.Harness;
using GoForge.Tests.Proxy;
using GoForge.Tests.Support;
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

        await using var traffic = SteadyTraffic.Start(caddy, Host, RequestsPerSecond, RequestTimeout);

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
        var report = await traffic.StopAsync();
        var failed = report.Failed;
        output.WriteLine($"redeploys: {Redeploys}  ({string.Join("; ", deploys)})");
        output.WriteLine($"requests sent: {report.Outcomes.Count} over {report.Seconds:F1} s ({report.Outcomes.Count / Math.Max(report.Seconds, 0.001):F0} req/s, target {RequestsPerSecond})");
        output.WriteLine($"failed: {failed.Count} (target 0); retried once after the proxy cut them without an answer: {report.Retried}");
        output.WriteLine($"latency p50 {report.Percentile(0.50):F1} ms  p99 {report.Percentile(0.99):F1} ms  max {report.Percentile(1):F1} ms");
        output.WriteLine("answers by body: " + report.BodyCounts());
        if (failed.Count > 0)
        {
            output.WriteLine(report.FailureSummary());
            output.WriteLine("caddy's last lines:\n" + caddy.OutputTail());
        }
    }
}
