using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Deployments;
using GoForge.Tests.GitProviders;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Xunit.Abstractions;

namespace GoForge.Tests.Operations;

/// <summary>
/// <c>/metrics</c> of the real panel on Kestrel, read from 127.0.0.1: a signed push webhook queues a deployment, the
/// worker builds and starts it on the real engine, and the counters show both.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MetricsEndpointTests(PostgresFixture postgres, DockerFixture docker, ITestOutputHelper output) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan BuildWait = TimeSpan.FromSeconds(90);
    private readonly string _root = Directory.CreateTempSubdirectory("goforge-metrics-").FullName;
    private readonly string _nonce = Guid.NewGuid().ToString("N")[..12];
    private GoForgeApp _app = null!;
    private SampleRepository _repository = null!;
    private Application _application = null!;
    private Actor _owner = null!;

    public async Task InitializeAsync()
    {
        _repository = new SampleRepository(_root);
        _app = await GoForgeApp.StartAsync(postgres, "metrics", kestrel: true, settings: new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:Deployments:WorkDirectory"] = Path.Combine(_root, "work"),
            ["GoForge:Deployments:DeployTimeout"] = "00:00:30",
            ["GoForge:Deployments:DrainDelay"] = "00:00:00",
        });
        _owner = Actor.From(await _app.CreateUserAsync());
        var (_, production) = await _app.Services.CreateProjectAsync(_owner, "Metrics " + _nonce[..6]);
        _application = (await _app.Get<ApplicationService>().CreateAsync(_owner, production.Id, new ApplicationInput
        {
            Name = "metered " + _nonce[..6],
            GitUrl = _repository.GitUrl,
            Branch = "main",
            ContainerPort = 8080,
            HealthCheckPath = "/",
        })).Value!;
    }

    public async Task DisposeAsync()
    {
        await DeployedApps.RemoveAsync(_app.Services, _application.Id);
        await _app.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Metrics_from_loopback_count_a_real_deployment_and_the_webhook_delivery_that_queued_it()
    {
        var secret = (await _app.Get<WebhookService>().RegenerateSecretAsync(_owner, _application.Id)).Value!;
        var sha = _repository.Commit("v1", SampleDockerfiles.ServesIndex(_nonce), new Dictionary<string, string> { ["index.html"] = $"metered {_nonce}\n" });
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = _app.Address, Timeout = TimeSpan.FromSeconds(30) };

        var delivered = await PostAsync(http, "/webhooks/github", WebhookDeliveries.Push(WebhookProvider.GitHub, secret, _repository.GitUrl, after: sha));
        Assert.Equal(HttpStatusCode.Accepted, delivered.StatusCode);
        var id = (await delivered.Content.ReadFromJsonAsync<Answer>())!.DeploymentId!.Value;
        var repository = _app.Get<IDeploymentRepository>();
        await Wait.UntilAsync(async () => (await repository.GetAsync(id))!.State is not (DeploymentState.Pending or DeploymentState.Cloning or DeploymentState.Building or DeploymentState.Deploying),
            $"deployment {id} to end", BuildWait);
        var deployment = (await repository.GetAsync(id))!;
        Assert.True(deployment.State == DeploymentState.Running, $"ended {deployment.State}: {deployment.Reason}");

        // The worker counts the run when it hands the deployment back, a moment after the state is Running.
        string metrics = string.Empty;
        await Wait.UntilAsync(async () => PrometheusText.Sample(metrics = await ScrapeAsync(http), "goforge_deployments_total", ("outcome", "succeeded")) is not null,
            "the deployment counted in /metrics");
        output.WriteLine(metrics);

        Assert.Equal(1, PrometheusText.Sample(metrics, "goforge_deployments_total", ("outcome", "succeeded")));
        Assert.Equal(1, PrometheusText.Sample(metrics, "goforge_deployment_duration_seconds_count", ("outcome", "succeeded")));
        Assert.True(PrometheusText.Sample(metrics, "goforge_deployment_duration_seconds_sum", ("outcome", "succeeded")) > 0);
        Assert.Equal(1, PrometheusText.Sample(metrics, "goforge_webhook_deliveries_total", ("provider", "github"), ("outcome", "deployed")));
        Assert.Equal(0, PrometheusText.Sample(metrics, "goforge_deployments_queued"));
        Assert.Equal(0, PrometheusText.Sample(metrics, "goforge_deployments_active"));
        Assert.NotNull(PrometheusText.Sample(metrics, "http_server_request_duration_seconds_count", ("http_route", "/webhooks/{provider}")));
        Assert.Contains("# TYPE dotnet_gc_collections_total counter", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_count_refused_webhook_deliveries_by_provider_and_outcome()
    {
        await _app.Get<WebhookService>().RegenerateSecretAsync(_owner, _application.Id);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = _app.Address, Timeout = TimeSpan.FromSeconds(30) };

        var wrong = await PostAsync(http, $"/webhooks/gitea?app={_application.Id}", WebhookDeliveries.Push(WebhookProvider.Gitea, "not the secret", _repository.GitUrl));
        var unknown = await PostAsync(http, $"/webhooks/gitlab?app={Guid.NewGuid()}", WebhookDeliveries.Push(WebhookProvider.GitLab, "whatever", _repository.GitUrl));
        var metrics = await ScrapeAsync(http);

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(1, PrometheusText.Sample(metrics, "goforge_webhook_deliveries_total", ("provider", "gitea"), ("outcome", "rejected")));
        Assert.Equal(1, PrometheusText.Sample(metrics, "goforge_webhook_deliveries_total", ("provider", "gitlab"), ("outcome", "not_found")));
    }

    private static async Task<string> ScrapeAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string url, WebhookRequest request)
    {
        var content = new ByteArrayContent(request.Body.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType!);
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return await http.SendAsync(message);
    }

    private sealed record Answer(string Message, Guid? DeploymentId);
}
