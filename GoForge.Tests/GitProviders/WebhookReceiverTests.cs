using System.Text;
using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using static GoForge.Tests.GitProviders.WebhookDeliveries;

namespace GoForge.Tests.GitProviders;

/// <summary>Deliveries through the real receiver, repositories and PostgreSQL; no worker runs, so queued deployments stay pending.</summary>
[Collection(PostgresCollection.Name)]
public sealed class WebhookReceiverTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Clone = "https://git.example.com/acme/shop.git";

    private TestHost _host = null!;
    private Actor _maintainer = null!;
    private Guid _environmentId;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "webhooks");
        _maintainer = Actor.From(await TestUsers.CreateAsync(_host));
        var (_, production) = await _host.Services.CreateProjectAsync(_maintainer, "Shop " + Guid.NewGuid().ToString("N")[..6]);
        _environmentId = production.Id;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private WebhookReceiver Receiver => _host.Get<WebhookReceiver>();

    [Theory]
    [InlineData(WebhookProvider.GitHub)]
    [InlineData(WebhookProvider.GitLab)]
    [InlineData(WebhookProvider.Gitea)]
    public async Task Signed_push_to_the_branch_queues_a_deployment_of_exactly_the_pushed_commit(WebhookProvider provider)
    {
        var (app, secret) = await AppWithSecretAsync();

        var response = await Receiver.ReceiveAsync(Push(provider, secret, Clone));

        Assert.Equal(WebhookResponseStatus.Accepted, response.Status);
        var deployment = Assert.Single(await DeploymentsAsync(app));
        Assert.Equal(response.DeploymentId, deployment.Id);
        Assert.Equal(SomeSha, deployment.CommitSha);
        Assert.Equal(DeploymentSource.Webhook, deployment.Source);
        Assert.Equal(DeploymentState.Pending, deployment.State);
        var delivery = Assert.Single(await DeliveriesAsync(app));
        Assert.Equal((WebhookOutcome.Deployed, provider, deployment.Id), (delivery.Outcome, delivery.Provider, delivery.DeploymentId));
        Assert.Equal("refs/heads/main", delivery.GitRef);
    }

    [Theory]
    [InlineData(WebhookProvider.GitHub)]
    [InlineData(WebhookProvider.GitLab)]
    [InlineData(WebhookProvider.Gitea)]
    public async Task Redelivery_of_the_same_delivery_id_does_not_deploy_twice(WebhookProvider provider)
    {
        var (app, secret) = await AppWithSecretAsync();
        var request = Push(provider, secret, Clone, deliveryId: Guid.NewGuid().ToString());

        var first = await Receiver.ReceiveAsync(request);
        var second = await Receiver.ReceiveAsync(request);
        var third = await Receiver.ReceiveAsync(request);

        Assert.Equal(WebhookResponseStatus.Accepted, first.Status);
        Assert.Equal(WebhookResponseStatus.Ok, second.Status);
        Assert.Equal(first.DeploymentId, second.DeploymentId);
        Assert.Equal(WebhookResponseStatus.Ok, third.Status);
        Assert.Single(await DeploymentsAsync(app));
        var delivery = Assert.Single(await DeliveriesAsync(app));
        Assert.Equal((WebhookOutcome.Deployed, 2), (delivery.Outcome, delivery.Redeliveries));
    }

    [Fact]
    public async Task Concurrent_copies_of_one_delivery_deploy_once()
    {
        var (app, secret) = await AppWithSecretAsync();
        var request = Push(WebhookProvider.GitHub, secret, Clone);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Receiver.ReceiveAsync(request))));

        Assert.Single(responses, r => r.Status == WebhookResponseStatus.Accepted);
        Assert.Single(await DeploymentsAsync(app));
    }

    [Fact]
    public async Task Push_to_another_branch_is_acknowledged_and_ignored_with_the_reason()
    {
        var (app, secret) = await AppWithSecretAsync();

        var response = await Receiver.ReceiveAsync(GitHubPush(secret, Clone, "refs/heads/feature/login"));

        Assert.Equal(WebhookResponseStatus.Ok, response.Status);
        Assert.Empty(await DeploymentsAsync(app));
        var delivery = Assert.Single(await DeliveriesAsync(app));
        Assert.Equal(WebhookOutcome.Ignored, delivery.Outcome);
        Assert.Equal("pushed to 'feature/login'; this application deploys 'main'", delivery.Reason);
    }

    [Fact]
    public async Task Tag_push_is_ignored()
    {
        var (app, secret) = await AppWithSecretAsync();

        var github = await Receiver.ReceiveAsync(GitHubPush(secret, Clone, "refs/tags/v1.2.0"));
        var body = Payload("gitlab-tag-push.json", Clone);
        var gitlab = await Receiver.ReceiveAsync(new WebhookRequest(WebhookProvider.GitLab, Headers(WebhookProvider.GitLab, secret, body, "Tag Push Hook"), "application/json", body, null));

        Assert.Equal((WebhookResponseStatus.Ok, WebhookResponseStatus.Ok), (github.Status, gitlab.Status));
        Assert.Empty(await DeploymentsAsync(app));
        Assert.All(await DeliveriesAsync(app), d => Assert.StartsWith("tag push", d.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deleting_the_branch_does_not_deploy()
    {
        var (app, secret) = await AppWithSecretAsync();

        var response = await Receiver.ReceiveAsync(GitHubPush(secret, Clone, "refs/heads/main", deleted: true));

        Assert.Equal(WebhookResponseStatus.Ok, response.Status);
        Assert.Empty(await DeploymentsAsync(app));
        Assert.Equal("branch 'main' was deleted; nothing to deploy", Assert.Single(await DeliveriesAsync(app)).Reason);
    }

    [Fact]
    public async Task Ping_answers_ok_and_is_listed()
    {
        var (app, secret) = await AppWithSecretAsync();
        var body = Payload("github-ping.json", Clone);

        var response = await Receiver.ReceiveAsync(new WebhookRequest(WebhookProvider.GitHub, Headers(WebhookProvider.GitHub, secret, body, "ping"), "application/json", body, app.Id));

        Assert.Equal(WebhookResponseStatus.Ok, response.Status);
        Assert.Empty(await DeploymentsAsync(app));
        Assert.Equal(("ping", WebhookOutcome.Ignored), (Assert.Single(await DeliveriesAsync(app)).Event, Assert.Single(await DeliveriesAsync(app)).Outcome));
    }

    [Theory]
    [InlineData(WebhookProvider.GitHub)]
    [InlineData(WebhookProvider.GitLab)]
    [InlineData(WebhookProvider.Gitea)]
    public async Task Wrong_secret_is_refused_and_the_named_application_sees_why(WebhookProvider provider)
    {
        var (app, _) = await AppWithSecretAsync();

        var response = await Receiver.ReceiveAsync(Push(provider, "not the secret", Clone, applicationId: app.Id));

        Assert.Equal(WebhookResponseStatus.Unauthorized, response.Status);
        Assert.Empty(await DeploymentsAsync(app));
        var delivery = Assert.Single(await DeliveriesAsync(app));
        Assert.Equal(WebhookOutcome.Rejected, delivery.Outcome);
        Assert.Contains("does not match the application's webhook secret", delivery.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(WebhookProvider.GitHub)]
    [InlineData(WebhookProvider.GitLab)]
    [InlineData(WebhookProvider.Gitea)]
    public async Task Missing_signature_header_is_refused(WebhookProvider provider)
    {
        var (app, _) = await AppWithSecretAsync();

        var response = await Receiver.ReceiveAsync(Push(provider, secret: null, Clone, applicationId: app.Id));

        Assert.Equal(WebhookResponseStatus.Unauthorized, response.Status);
        Assert.Contains("header is missing", response.Message, StringComparison.Ordinal);
        Assert.Empty(await DeploymentsAsync(app));
    }

    [Theory]
    [InlineData(WebhookProvider.GitHub)]
    [InlineData(WebhookProvider.Gitea)]
    public async Task Body_altered_by_one_byte_after_signing_is_refused(WebhookProvider provider)
    {
        var (app, secret) = await AppWithSecretAsync();
        var request = Push(provider, secret, Clone);
        var altered = request.Body.ToArray();
        var at = Encoding.UTF8.GetString(altered).IndexOf(SomeSha, StringComparison.Ordinal);
        altered[at] = (byte)'b'; // another commit: exactly what a forger would want

        var response = await Receiver.ReceiveAsync(request with { Body = altered });

        Assert.Equal(WebhookResponseStatus.Unauthorized, response.Status);
        Assert.Empty(await DeploymentsAsync(app));
    }

    [Fact]
    public async Task Application_without_a_secret_refuses_every_delivery_even_unsigned_ones()
    {
        var app = await _host.Services.CreateApplicationAsync(_maintainer, _environmentId, "nosecret");

        var unsigned = await Receiver.ReceiveAsync(Push(WebhookProvider.GitHub, secret: null, Clone, applicationId: app.Id));
        var emptySigned = await Receiver.ReceiveAsync(Push(WebhookProvider.GitHub, string.Empty, Clone, applicationId: app.Id));
        var byRepository = await Receiver.ReceiveAsync(Push(WebhookProvider.GitLab, string.Empty, Clone));

        Assert.All([unsigned, emptySigned, byRepository], r => Assert.Equal(WebhookResponseStatus.Unauthorized, r.Status));
        Assert.Empty(await DeploymentsAsync(app));
        // The two that named the application are listed for its owner; the one matched by repository alone is not.
        var deliveries = await DeliveriesAsync(app);
        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, d => Assert.Contains("has no webhook secret", d.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_application_in_the_url_is_not_found()
    {
        var response = await Receiver.ReceiveAsync(Push(WebhookProvider.GitHub, "x", Clone, applicationId: Guid.NewGuid()));

        Assert.Equal(WebhookResponseStatus.NotFound, response.Status);
    }

    [Fact]
    public async Task Rejected_delivery_redelivered_with_the_right_secret_deploys()
    {
        var (app, secret) = await AppWithSecretAsync();
        var id = Guid.NewGuid().ToString();

        var wrong = await Receiver.ReceiveAsync(Push(WebhookProvider.GitHub, "old secret", Clone, applicationId: app.Id, deliveryId: id));
        var right = await Receiver.ReceiveAsync(Push(WebhookProvider.GitHub, secret, Clone, applicationId: app.Id, deliveryId: id));

        Assert.Equal((WebhookResponseStatus.Unauthorized, WebhookResponseStatus.Accepted), (wrong.Status, right.Status));
        Assert.Single(await DeploymentsAsync(app));
        var delivery = Assert.Single(await DeliveriesAsync(app));
        Assert.Equal((WebhookOutcome.Deployed, 1), (delivery.Outcome, delivery.Redeliveries));
    }

    [Fact]
    public async Task Repository_is_matched_in_its_other_url_forms()
    {
        var (app, secret) = await AppWithSecretAsync(gitUrl: "git@git.example.com:Acme/shop.git");

        var response = await Receiver.ReceiveAsync(Push(WebhookProvider.Gitea, secret, "https://git.example.com/acme/shop"));

        Assert.Equal(WebhookResponseStatus.Accepted, response.Status);
        Assert.Single(await DeploymentsAsync(app));
    }

    [Fact]
    public async Task Push_for_another_repository_with_the_apps_own_secret_is_ignored()
    {
        var (app, secret) = await AppWithSecretAsync();

        var response = await Receiver.ReceiveAsync(Push(WebhookProvider.GitHub, secret, "https://git.example.com/acme/other.git", applicationId: app.Id));

        Assert.Equal(WebhookResponseStatus.Ok, response.Status);
        Assert.Empty(await DeploymentsAsync(app));
        Assert.StartsWith("the push is to", Assert.Single(await DeliveriesAsync(app)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_applications_of_one_repository_each_deploy_only_their_own_branch()
    {
        var (main, mainSecret) = await AppWithSecretAsync();
        var (staging, stagingSecret) = await AppWithSecretAsync(branch: "staging");

        var toStaging = await Receiver.ReceiveAsync(GitHubPush(stagingSecret, Clone, "refs/heads/staging"));
        var toMain = await Receiver.ReceiveAsync(GitHubPush(mainSecret, Clone, "refs/heads/main"));

        Assert.Equal((WebhookResponseStatus.Accepted, WebhookResponseStatus.Accepted), (toStaging.Status, toMain.Status));
        Assert.Equal(toStaging.DeploymentId, Assert.Single(await DeploymentsAsync(staging)).Id);
        Assert.Equal(toMain.DeploymentId, Assert.Single(await DeploymentsAsync(main)).Id);
    }

    [Fact]
    public async Task Auto_deploy_off_acknowledges_without_deploying()
    {
        var (app, secret) = await AppWithSecretAsync();
        var input = ApplicationInput.From(app);
        input.AutoDeploy = false;
        Assert.True((await _host.Get<ApplicationService>().UpdateAsync(_maintainer, app.Id, input)).IsSuccess);

        var response = await Receiver.ReceiveAsync(Push(WebhookProvider.GitHub, secret, Clone));

        Assert.Equal(WebhookResponseStatus.Ok, response.Status);
        Assert.Empty(await DeploymentsAsync(app));
        Assert.Equal("auto-deploy is off for this application", Assert.Single(await DeliveriesAsync(app)).Reason);
    }

    [Fact]
    public async Task Regenerated_secret_replaces_the_old_one_at_once()
    {
        var (app, oldSecret) = await AppWithSecretAsync();
        var newSecret = (await _host.Get<WebhookService>().RegenerateSecretAsync(_maintainer, app.Id)).Value!;

        var old = await Receiver.ReceiveAsync(Push(WebhookProvider.GitHub, oldSecret, Clone, applicationId: app.Id));
        var fresh = await Receiver.ReceiveAsync(Push(WebhookProvider.GitHub, newSecret, Clone, applicationId: app.Id));

        Assert.NotEqual(oldSecret, newSecret);
        Assert.Equal((WebhookResponseStatus.Unauthorized, WebhookResponseStatus.Accepted), (old.Status, fresh.Status));
    }

    [Fact]
    public async Task Body_over_the_cap_is_refused_before_it_is_read()
    {
        var (app, secret) = await AppWithSecretAsync();
        var body = new byte[WebhookLimits.MaxBodyBytes + 1];

        var response = await Receiver.ReceiveAsync(new WebhookRequest(WebhookProvider.GitHub, Headers(WebhookProvider.GitHub, secret, body, "push"), "application/json", body, app.Id));

        Assert.Equal(WebhookResponseStatus.TooLarge, response.Status);
        Assert.Empty(await DeliveriesAsync(app));
    }

    [Fact]
    public async Task Only_the_newest_deliveries_are_kept()
    {
        var (app, secret) = await AppWithSecretAsync();
        for (var i = 0; i < WebhookLimits.KeptDeliveries + 5; i++)
        {
            await Receiver.ReceiveAsync(GitHubPush(secret, Clone, "refs/heads/other"));
        }

        var all = await _host.Get<IWebhookRepository>().ListRecentAsync(app.Id, 1000);

        Assert.Equal(WebhookLimits.KeptDeliveries, all.Count);
    }

    private async Task<(Application App, string Secret)> AppWithSecretAsync(string gitUrl = Clone, string branch = "main")
    {
        var app = await _host.Services.CreateApplicationAsync(_maintainer, _environmentId, "app" + Guid.NewGuid().ToString("N")[..8]);
        var input = ApplicationInput.From(app);
        input.GitUrl = gitUrl;
        input.Branch = branch;
        var updated = await _host.Get<ApplicationService>().UpdateAsync(_maintainer, app.Id, input);
        Assert.True(updated.IsSuccess, updated.Error?.Message);
        var secret = await _host.Get<WebhookService>().RegenerateSecretAsync(_maintainer, app.Id);
        Assert.True(secret.IsSuccess, secret.Error?.Message);
        return (updated.Value!, secret.Value!);
    }

    private async Task<IReadOnlyList<Deployment>> DeploymentsAsync(Application app) =>
        (await _host.Get<DeploymentService>().ListAsync(_maintainer, app.Id)).Value!;

    private async Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(Application app) =>
        (await _host.Get<WebhookService>().ListDeliveriesAsync(_maintainer, app.Id)).Value!;
}
