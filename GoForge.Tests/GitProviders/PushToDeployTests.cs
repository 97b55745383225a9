using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;
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
    private DeployScenario _scenario = null!;
    private Application _application = null!;

    private GoForgeApp App => _scenario.App;

    public async Task InitializeAsync()
    {
        _scenario = await DeployScenario.StartAsync(postgres, docker, "push", settings: new Dictionary<string, string?>
        {
            ["GoForge:Deployments:DeployTimeout"] = "00:00:20",
        });
        _application = await _scenario.CreateApplicationAsync(_scenario.Actor, "shop");
    }

    public Task DisposeAsync() => _scenario.DisposeAsync().AsTask();

    [Fact]
    public async Task Signed_push_redeploys_the_app_at_the_pushed_commit_and_it_serves_the_new_content()
    {
        var secret = (await App.Get<WebhookService>().RegenerateSecretAsync(_scenario.Actor, _application.Id)).Value!;
        using var http = App.CreateClient(); // no cookie: webhooks are anonymous, the signature is the authentication
        var first = _scenario.Repository.Commit("v1", SampleDockerfiles.ServesIndex(_scenario.Nonce), new Dictionary<string, string> { ["index.html"] = $"one {_scenario.Nonce}\n" });
        var v1 = await DeliverAsync(http, secret, first);
        Assert.Equal($"one {_scenario.Nonce}", await ServesAsync(v1));

        var second = _scenario.Repository.Commit("v2", SampleDockerfiles.ServesIndex(_scenario.Nonce), new Dictionary<string, string> { ["index.html"] = $"two {_scenario.Nonce}\n" });
        var v2 = await DeliverAsync(http, secret, second);

        Assert.Equal(second, v2.CommitSha);
        Assert.Equal(DeploymentSource.Webhook, v2.Source);
        Assert.Equal($"two {_scenario.Nonce}", await ServesAsync(v2));
        Assert.Equal(DeploymentState.Superseded, (await App.Get<IDeploymentRepository>().GetAsync(v1.Id))!.State);
    }

    [Fact]
    public async Task Endpoint_answers_each_refusal_with_its_status()
    {
        var secret = (await App.Get<WebhookService>().RegenerateSecretAsync(_scenario.Actor, _application.Id)).Value!;
        using var http = App.CreateClient();
        var url = $"/webhooks/github?app={_application.Id}";

        var unsigned = await PostAsync(http, url, WebhookDeliveries.Push(WebhookProvider.GitHub, null, _scenario.Repository.GitUrl));
        var wrong = await PostAsync(http, url, WebhookDeliveries.Push(WebhookProvider.GitHub, "wrong", _scenario.Repository.GitUrl));
        var otherBranch = await PostAsync(http, url, WebhookDeliveries.GitHubPush(secret, _scenario.Repository.GitUrl, "refs/heads/dev"));
        var unknownProvider = await http.PostAsync("/webhooks/bitbucket", new StringContent("{}"));
        var unknownApp = await PostAsync(http, $"/webhooks/github?app={Guid.NewGuid()}", WebhookDeliveries.Push(WebhookProvider.GitHub, secret, _scenario.Repository.GitUrl));
        var text = await http.PostAsync(url, new StringContent("hello"));

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherBranch.StatusCode);
        Assert.Contains("this application deploys 'main'", await otherBranch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknownProvider.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownApp.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Empty((await App.Get<DeploymentService>().ListAsync(_scenario.Actor, _application.Id)).Value!);
    }

    [Fact]
    public async Task Endpoint_refuses_a_body_over_25_MB_with_413()
    {
        await App.Get<WebhookService>().RegenerateSecretAsync(_scenario.Actor, _application.Id);
        using var http = App.CreateClient();
        using var content = new ByteArrayContent(new byte[WebhookLimits.MaxBodyBytes + 1]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await http.PostAsync($"/webhooks/github?app={_application.Id}", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Endpoint_takes_GitHubs_form_encoded_payload_and_a_redelivery_does_not_deploy_again()
    {
        var secret = (await App.Get<WebhookService>().RegenerateSecretAsync(_scenario.Actor, _application.Id)).Value!;
        using var http = App.CreateClient();
        var json = System.Text.Encoding.UTF8.GetString(WebhookDeliveries.Payload("github-push.json", _scenario.Repository.GitUrl));
        var form = System.Text.Encoding.UTF8.GetBytes("payload=" + WebUtility.UrlEncode(json));
        var headers = WebhookDeliveries.Headers(WebhookProvider.GitHub, secret, form, "push");
        var request = new WebhookRequest(WebhookProvider.GitHub, headers, "application/x-www-form-urlencoded", form, null);

        var first = await PostAsync(http, "/webhooks/github", request);
        var again = await PostAsync(http, "/webhooks/github", request);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var deployment = Assert.Single((await App.Get<DeploymentService>().ListAsync(_scenario.Actor, _application.Id)).Value!);
        Assert.Equal(WebhookDeliveries.SomeSha, deployment.CommitSha);
        Assert.Equal(deployment.Id, (await first.Content.ReadFromJsonAsync<Answer>())!.DeploymentId);
    }

    private async Task<Deployment> DeliverAsync(HttpClient http, string secret, string sha)
    {
        var response = await PostAsync(http, "/webhooks/github", WebhookDeliveries.Push(WebhookProvider.GitHub, secret, _scenario.Repository.GitUrl, after: sha));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<Answer>())!.DeploymentId!.Value;
        var deployment = await _scenario.UntilSettledAsync(id, BuildWait);
        var log = string.Join("\n", (await App.Get<IDeploymentRepository>().ListLogAsync(id, 0, 1000)).Select(l => l.Text));
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
