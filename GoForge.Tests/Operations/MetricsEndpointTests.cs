using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;
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
    private DeployScenario _scenario = null!;
    private Application _application = null!;

    private GoForgeApp App => _scenario.App;

    public async Task InitializeAsync()
    {
        _scenario = await DeployScenario.StartAsync(postgres, docker, "metrics", kestrel: true, settings: new Dictionary<string, string?>
        {
            ["GoForge:Deployments:DrainDelay"] = "00:00:00",
        });
        _application = await _scenario.CreateApplicationAsync(_scenario.Actor, "metered");
    }

    public Task DisposeAsync() => _scenario.DisposeAsync().AsTask();

    [Fact]
    public async Task Metrics_from_loopback_count_a_real_deployment_and_the_webhook_delivery_that_queued_it()
    {
        var secret = (await App.Get<WebhookService>().RegenerateSecretAsync(_scenario.Actor, _application.Id)).Value!;
        var sha = _scenario.Repository.Commit("v1", SampleDockerfiles.ServesIndex(_scenario.Nonce), new Dictionary<string, string> { ["index.html"] = $"metered {_scenario.Nonce}\n" });
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = App.Address, Timeout = TimeSpan.FromSeconds(30) };

        var delivered = await PostAsync(http, "/webhooks/github", WebhookDeliveries.Push(WebhookProvider.GitHub, secret, _scenario.Repository.GitUrl, after: sha));
        Assert.Equal(HttpStatusCode.Accepted, delivered.StatusCode);
        var id = (await delivered.Content.ReadFromJsonAsync<Answer>())!.DeploymentId!.Value;
        var deployment = await _scenario.UntilSettledAsync(id, BuildWait);
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
        await App.Get<WebhookService>().RegenerateSecretAsync(_scenario.Actor, _application.Id);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = App.Address, Timeout = TimeSpan.FromSeconds(30) };

        var wrong = await PostAsync(http, $"/webhooks/gitea?app={_application.Id}", WebhookDeliveries.Push(WebhookProvider.Gitea, "not the secret", _scenario.Repository.GitUrl));
        var unknown = await PostAsync(http, $"/webhooks/gitlab?app={Guid.NewGuid()}", WebhookDeliveries.Push(WebhookProvider.GitLab, "whatever", _scenario.Repository.GitUrl));
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
