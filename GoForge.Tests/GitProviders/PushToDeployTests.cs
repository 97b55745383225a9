using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Deployments;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.GitProviders;

/// <summary>
/// The whole loop in the real panel: a commit pushed to a bare repository, the signed push payload posted to
/// <c>/webhooks/github</c>, the deployment worker cloning exactly that commit, building it on the real engine, and
/// the new container serving the new content.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PushToDeployTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan BuildWait = TimeSpan.FromSeconds(90);
    private readonly string _root = Directory.CreateTempSubdirectory("goforge-push-").FullName;
    private readonly string _nonce = Guid.NewGuid().ToString("N")[..12];
    private GoForgeApp _app = null!;
    private SampleRepository _repository = null!;
    private Application _application = null!;
    private Actor _owner = null!;

    public async Task InitializeAsync()
    {
        _repository = new SampleRepository(_root);
        _app = await GoForgeApp.StartAsync(postgres, "push", settings: new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:Deployments:WorkDirectory"] = Path.Combine(_root, "work"),
            ["GoForge:Deployments:DeployTimeout"] = "00:00:20",
        });
        _owner = Actor.From(await _app.CreateUserAsync());
        var (_, production) = await _app.Services.CreateProjectAsync(_owner, "Push " + _nonce[..6]);
        _application = (await _app.Get<ApplicationService>().CreateAsync(_owner, production.Id, new ApplicationInput
        {
            Name = "shop " + _nonce[..6],
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
    public async Task Signed_push_redeploys_the_app_at_the_pushed_commit_and_it_serves_the_new_content()
    {
        var secret = (await _app.Get<WebhookService>().RegenerateSecretAsync(_owner, _application.Id)).Value!;
        using var http = _app.CreateClient(); // no cookie: webhooks are anonymous, the signature is the authentication
        var first = _repository.Commit("v1", SampleDockerfiles.ServesIndex(_nonce), new Dictionary<string, string> { ["index.html"] = $"one {_nonce}\n" });
        var v1 = await DeliverAsync(http, secret, first);
        Assert.Equal($"one {_nonce}", await ServesAsync(v1));

        var second = _repository.Commit("v2", SampleDockerfiles.ServesIndex(_nonce), new Dictionary<string, string> { ["index.html"] = $"two {_nonce}\n" });
        var v2 = await DeliverAsync(http, secret, second);

        Assert.Equal(second, v2.CommitSha);
        Assert.Equal(DeploymentSource.Webhook, v2.Source);
        Assert.Equal($"two {_nonce}", await ServesAsync(v2));
        Assert.Equal(DeploymentState.Superseded, (await _app.Get<IDeploymentRepository>().GetAsync(v1.Id))!.State);
    }

    [Fact]
    public async Task Endpoint_answers_each_refusal_with_its_status()
    {
        var secret = (await _app.Get<WebhookService>().RegenerateSecretAsync(_owner, _application.Id)).Value!;
        using var http = _app.CreateClient();
        var url = $"/webhooks/github?app={_application.Id}";

        var unsigned = await PostAsync(http, url, WebhookDeliveries.Push(WebhookProvider.GitHub, null, _repository.GitUrl));
        var wrong = await PostAsync(http, url, WebhookDeliveries.Push(WebhookProvider.GitHub, "wrong", _repository.GitUrl));
        var otherBranch = await PostAsync(http, url, WebhookDeliveries.GitHubPush(secret, _repository.GitUrl, "refs/heads/dev"));
        var unknownProvider = await http.PostAsync("/webhooks/bitbucket", new StringContent("{}"));
        var unknownApp = await PostAsync(http, $"/webhooks/github?app={Guid.NewGuid()}", WebhookDeliveries.Push(WebhookProvider.GitHub, secret, _repository.GitUrl));
        var text = await http.PostAsync(url, new StringContent("hello"));

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherBranch.StatusCode);
        Assert.Contains("this application deploys 'main'", await otherBranch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknownProvider.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownApp.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Empty((await _app.Get<DeploymentService>().ListAsync(_owner, _application.Id)).Value!);
    }

    [Fact]
    public async Task Endpoint_refuses_a_body_over_25_MB_with_413()
    {
        await _app.Get<WebhookService>().RegenerateSecretAsync(_owner, _application.Id);
        using var http = _app.CreateClient();
        using var content = new ByteArrayContent(new byte[WebhookLimits.MaxBodyBytes + 1]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await http.PostAsync($"/webhooks/github?app={_application.Id}", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Endpoint_takes_GitHubs_form_encoded_payload_and_a_redelivery_does_not_deploy_again()
    {
        var secret = (await _app.Get<WebhookService>().RegenerateSecretAsync(_owner, _application.Id)).Value!;
        using var http = _app.CreateClient();
        var json = System.Text.Encoding.UTF8.GetString(WebhookDeliveries.Payload("github-push.json", _repository.GitUrl));
        var form = System.Text.Encoding.UTF8.GetBytes("payload=" + WebUtility.UrlEncode(json));
        var headers = WebhookDeliveries.Headers(WebhookProvider.GitHub, secret, form, "push");
        var request = new WebhookRequest(WebhookProvider.GitHub, headers, "application/x-www-form-urlencoded", form, null);

        var first = await PostAsync(http, "/webhooks/github", request);
        var again = await PostAsync(http, "/webhooks/github", request);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var deployment = Assert.Single((await _app.Get<DeploymentService>().ListAsync(_owner, _application.Id)).Value!);
        Assert.Equal(WebhookDeliveries.SomeSha, deployment.CommitSha);
        Assert.Equal(deployment.Id, (await first.Content.ReadFromJsonAsync<Answer>())!.DeploymentId);
    }

    private async Task<Deployment> DeliverAsync(HttpClient http, string secret, string sha)
    {
        var response = await PostAsync(http, "/webhooks/github", WebhookDeliveries.Push(WebhookProvider.GitHub, secret, _repository.GitUrl, after: sha));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<Answer>())!.DeploymentId!.Value;
        var repository = _app.Get<IDeploymentRepository>();
        await Wait.UntilAsync(async () => (await repository.GetAsync(id))!.State is not (DeploymentState.Pending or DeploymentState.Cloning or DeploymentState.Building or DeploymentState.Deploying),
            $"deployment {id} to end", BuildWait);
        var deployment = (await repository.GetAsync(id))!;
        var log = string.Join("\n", (await repository.ListLogAsync(id, 0, 1000)).Select(l => l.Text));
        Assert.True(deployment.State == DeploymentState.Running, $"ended {deployment.State}: {deployment.Reason}\n{log}");
        Assert.Equal(sha, deployment.CommitSha);
        return deployment;
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

    private Task<string> ServesAsync(Deployment deployment) => ContainerHttp.GetRootAsync(docker.Client, deployment.ContainerId!);

    private sealed record Answer(string Message, Guid? DeploymentId);
}
