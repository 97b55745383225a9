using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Deployments;
using GoForge.Tests.GitProviders;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace GoForge.Tests.Benchmarks;

/// <summary>
/// Figures, not assertions: how long <c>POST /webhooks/github</c> takes to answer, through the real pipeline
/// (in-process server, real PostgreSQL), for deliveries that queue a deployment, that are ignored (another branch),
/// redeliveries and refusals. In the first set the worker is off, so queued deployments stay pending and only the
/// answer is timed; the second times issue 18's pushes while the worker runs builds on the real engine.
/// Run with <c>bash deploy/test.sh --filter FullyQualifiedName~WebhookBenchmark</c>.
/// </summary>
[Trait("Category", "Benchmark")]
[Collection(PostgresCollection.Name)]
public sealed class WebhookBenchmark(PostgresFixture postgres, DockerFixture docker, ITestOutputHelper output) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private const int Runs = 300;
    private const string Clone = "https://git.example.com/acme/bench.git";
    private GoForgeApp _app = null!;
    private Guid _appId;
    private string _secret = null!;

    public async Task InitializeAsync()
    {
        // Hundreds of deliveries from one address: well past the per-address limit, which is not what is measured.
        _app = await GoForgeApp.StartAsync(postgres, "webhook_bench",
            settings: new Dictionary<string, string?> { ["GoForge:Webhooks:RequestsPerMinutePerAddress"] = "1000000" },
            services: GoForgeApp.WithoutDeploymentWorker);
        var owner = Actor.From(await _app.CreateUserAsync());
        var (_, production) = await _app.Services.CreateProjectAsync(owner, "Webhook bench");
        var app = await _app.Get<ApplicationService>().CreateAsync(owner, production.Id, new ApplicationInput { Name = "bench", GitUrl = Clone });
        _appId = app.Value!.Id;
        _secret = (await _app.Get<WebhookService>().RegenerateSecretAsync(owner, _appId)).Value!;

        // Other applications with secrets, so matching by repository has something to skip.
        for (var i = 0; i < 50; i++)
        {
            var other = await _app.Get<ApplicationService>().CreateAsync(owner, production.Id, new ApplicationInput { Name = $"other {i}", GitUrl = $"https://git.example.com/acme/other{i}.git" });
            await _app.Get<WebhookService>().RegenerateSecretAsync(owner, other.Value!.Id);
        }
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Webhook_answer_times()
    {
        using var http = _app.CreateClient();
        await TimeAsync(http, "warm-up", 20, _ => WebhookDeliveries.GitHubPush(_secret, Clone, "refs/heads/other"), "/webhooks/github");

        await TimeAsync(http, "push that queues a deployment (matched by repository)", Runs,
            i => WebhookDeliveries.Push(WebhookProvider.GitHub, _secret, Clone, after: Sha(i)), "/webhooks/github");
        await TimeAsync(http, "push that queues a deployment (?app=)", Runs,
            i => WebhookDeliveries.Push(WebhookProvider.GitHub, _secret, Clone, after: Sha(i + Runs)), $"/webhooks/github?app={_appId}");
        await TimeAsync(http, "push to another branch (ignored)", Runs, _ => WebhookDeliveries.GitHubPush(_secret, Clone, "refs/heads/other"), "/webhooks/github");
        var again = WebhookDeliveries.Push(WebhookProvider.GitHub, _secret, Clone, after: Sha(10 * Runs));
        await TimeAsync(http, "redelivery of one delivery", Runs, _ => again, "/webhooks/github");
        await TimeAsync(http, "wrong signature (refused)", Runs, _ => WebhookDeliveries.Push(WebhookProvider.GitHub, "wrong", Clone), $"/webhooks/github?app={_appId}");

        // Where the time goes: the receiver without the HTTP pipeline, and the floor of one PostgreSQL round trip.
        var receiver = _app.Get<WebhookReceiver>();
        await TimeCallsAsync("push that queues a deployment, receiver only (?app=)", Runs,
            i => receiver.ReceiveAsync(WebhookDeliveries.Push(WebhookProvider.GitHub, _secret, Clone, after: Sha(i + (2 * Runs))) with { ApplicationId = _appId }));
        await TimeCallsAsync("push to another branch, receiver only (?app=)", Runs,
            _ => receiver.ReceiveAsync(WebhookDeliveries.GitHubPush(_secret, Clone, "refs/heads/other") with { ApplicationId = _appId }));
        var database = _app.Get<NpgsqlDataSource>();
        await TimeCallsAsync("one PostgreSQL round trip (SELECT 1 on a pooled connection)", Runs, async _ =>
        {
            await using var command = database.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync();
        });
    }

    /// <summary>
    /// Issue 18's case: 250 signed pushes in a row to one application, each queueing a deployment (and superseding the
    /// one before) while the worker runs builds, then 250 to another branch, which are only recorded. The panel has
    /// its worker on and the real engine; two builds (the pushed application's and another's) sit in a step that
    /// sleeps, so the queue is busy and the pushes queue behind a running deployment.
    /// </summary>
    [Fact]
    public async Task Webhook_answer_times_while_builds_run()
    {
        const int pushes = 250;
        await using var scenario = await DeployScenario.StartAsync(postgres, docker, "webhook_bench_builds", settings: new Dictionary<string, string?>
        {
            ["GoForge:Webhooks:RequestsPerMinutePerAddress"] = "1000000",
        });
        var deployments = scenario.App.Get<DeploymentService>();
        scenario.Repository.Commit("slow", SampleDockerfiles.SlowBuild(scenario.Nonce), new Dictionary<string, string> { ["index.html"] = "slow\n" });
        var pushed = await scenario.CreateApplicationAsync(scenario.Actor, "pushed");
        var busy = await scenario.CreateApplicationAsync(scenario.Actor, "busy");
        var secret = (await scenario.App.Get<WebhookService>().RegenerateSecretAsync(scenario.Actor, pushed.Id)).Value!;
        var builds = new List<Guid>();
        foreach (var app in new[] { pushed, busy })
        {
            builds.Add((await deployments.EnqueueAsync(scenario.Actor, app.Id)).Value!.Id);
        }

        var repository = scenario.App.Get<IDeploymentRepository>();
        await Wait.UntilAsync(async () => (await Task.WhenAll(builds.Select(id => repository.GetAsync(id)))).All(d => d!.State == DeploymentState.Building),
            "both builds to run", TimeSpan.FromSeconds(60));

        using var http = scenario.App.CreateClient();
        var url = $"/webhooks/github?app={pushed.Id}";
        var clone = scenario.Repository.GitUrl;
        await TimeAsync(http, "warm-up", 20, _ => WebhookDeliveries.GitHubPush(secret, clone, "refs/heads/other"), url);
        await TimeAsync(http, "push that queues a deployment while builds run", pushes,
            i => WebhookDeliveries.Push(WebhookProvider.GitHub, secret, clone, after: Sha(20 * Runs + i)), url);
        await TimeAsync(http, "push to another branch while builds run (recorded only)", pushes, _ => WebhookDeliveries.GitHubPush(secret, clone, "refs/heads/other"), url);

        foreach (var id in builds)
        {
            await deployments.CancelAsync(scenario.Actor, id);
        }
    }

    private async Task TimeCallsAsync(string what, int runs, Func<int, Task> call)
    {
        var times = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await call(i);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        output.WriteLine($"{what}: {Latencies.Describe(times)}");
    }

    private static string Sha(int i) => (i + 1).ToString("x40", System.Globalization.CultureInfo.InvariantCulture);

    private async Task TimeAsync(HttpClient http, string what, int runs, Func<int, WebhookRequest> request, string url)
    {
        var times = new List<double>(runs);
        var statuses = new Dictionary<HttpStatusCode, int>();
        for (var i = 0; i < runs; i++)
        {
            var r = request(i);
            using var content = new ByteArrayContent(r.Body.ToArray());
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(r.ContentType!);
            using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
            foreach (var (name, value) in r.Headers)
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }

            var started = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(message);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
        }

        output.WriteLine($"{what}: {Latencies.Describe(times)}; " + string.Join(", ", statuses.Select(s => $"{(int)s.Key}×{s.Value}")));
    }
}
