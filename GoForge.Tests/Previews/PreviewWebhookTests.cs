using GoForge.Core.Auditing;
using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;
using GoForge.Core.Identity;
using GoForge.Core.Previews;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using static GoForge.Tests.Previews.PullRequestDeliveries;

namespace GoForge.Tests.Previews;

/// <summary>
/// Signed pull request deliveries of the three providers through the real receiver, repositories and PostgreSQL:
/// what is stored, what the delivery log says, and what a maintainer's approval does. No worker runs here.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PreviewWebhookTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Repo = "https://git.example.com/acme/shop.git";
    private const string Fork = "https://git.example.com/contributor/shop.git";

    private TestHost _host = null!;
    private Actor _maintainer = null!;
    private Guid _environmentId;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "previews");
        _maintainer = Actor.From(await TestUsers.CreateAsync(_host));
        var (_, production) = await _host.Services.CreateProjectAsync(_maintainer, "Shop " + Guid.NewGuid().ToString("N")[..6]);
        _environmentId = production.Id;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private WebhookReceiver Receiver => _host.Get<WebhookReceiver>();

    private PreviewService Previews => _host.Get<PreviewService>();

    [Theory]
    [InlineData(WebhookProvider.GitHub)]
    [InlineData(WebhookProvider.GitLab)]
    [InlineData(WebhookProvider.Gitea)]
    public async Task A_same_repository_pull_request_queues_a_preview_and_never_deploys_the_application(WebhookProvider provider)
    {
        var (app, secret) = await AppAsync();

        var response = await Receiver.ReceiveAsync(Request(provider, secret, PullRequestAction.Opened, Repo, Repo, number: 12));

        Assert.Equal(WebhookResponseStatus.Accepted, response.Status);
        var view = Assert.Single((await Previews.ListAsync(_maintainer, app.Id)).Value!);
        Assert.Equal((12, PreviewState.Queued, HeadSha, false), (view.Preview.Number, view.Preview.State, view.Preview.HeadCommit, view.Preview.IsFork));
        Assert.Equal($"http://pr-12.{Zone(app)}/", view.Url);
        Assert.Empty((await _host.Get<DeploymentService>().ListAsync(_maintainer, app.Id)).Value!);
        Assert.Equal(WebhookOutcome.Deployed, Assert.Single(await DeliveriesAsync(app)).Outcome);
    }

    [Theory]
    [InlineData(WebhookProvider.GitHub)]
    [InlineData(WebhookProvider.GitLab)]
    [InlineData(WebhookProvider.Gitea)]
    public async Task A_forks_pull_request_waits_for_approval_and_a_push_after_approval_waits_again(WebhookProvider provider)
    {
        var (app, secret) = await AppAsync();

        await Receiver.ReceiveAsync(Request(provider, secret, PullRequestAction.Opened, Repo, Fork));
        var waiting = Assert.Single((await Previews.ListAsync(_maintainer, app.Id)).Value!).Preview;
        var approved = await Previews.ApproveAsync(_maintainer, waiting.Id, HeadSha);
        await Receiver.ReceiveAsync(Request(provider, secret, PullRequestAction.Synchronized, Repo, Fork, headSha: PushedSha));
        var pushed = Assert.Single((await Previews.ListAsync(_maintainer, app.Id)).Value!).Preview;

        Assert.Equal((PreviewState.AwaitingApproval, true), (waiting.State, waiting.IsFork));
        Assert.Equal((PreviewState.Queued, HeadSha), (approved.Value!.State, approved.Value.ApprovedCommit));
        Assert.Equal((PreviewState.AwaitingApproval, PushedSha, HeadSha), (pushed.State, pushed.HeadCommit, pushed.ApprovedCommit));
    }

    [Fact]
    public async Task Approving_a_head_that_a_push_replaced_meanwhile_is_refused()
    {
        var (app, secret) = await AppAsync();
        await Receiver.ReceiveAsync(Request(WebhookProvider.GitHub, secret, PullRequestAction.Opened, Repo, Fork));
        await Receiver.ReceiveAsync(Request(WebhookProvider.GitHub, secret, PullRequestAction.Synchronized, Repo, Fork, headSha: PushedSha));
        var preview = Assert.Single((await Previews.ListAsync(_maintainer, app.Id)).Value!).Preview;

        var stale = await Previews.ApproveAsync(_maintainer, preview.Id, HeadSha);
        var redeploy = await Previews.RedeployAsync(_maintainer, preview.Id);

        Assert.Equal(GoForge.Core.Common.ErrorKind.Conflict, stale.Error!.Kind);
        Assert.Equal(GoForge.Core.Common.ErrorKind.Conflict, redeploy.Error!.Kind);
        Assert.Equal(PreviewState.AwaitingApproval, (await _host.Get<IPreviewRepository>().GetAsync(preview.Id))!.State);
    }

    [Theory]
    [InlineData(WebhookProvider.GitHub)]
    [InlineData(WebhookProvider.GitLab)]
    [InlineData(WebhookProvider.Gitea)]
    public async Task A_signed_event_for_another_repository_is_refused_and_logged(WebhookProvider provider)
    {
        var (app, secret) = await AppAsync();
        const string other = "https://git.example.com/mallory/other.git";

        var response = await Receiver.ReceiveAsync(Request(provider, secret, PullRequestAction.Opened, other, other, applicationId: app.Id));

        Assert.Equal(WebhookResponseStatus.Forbidden, response.Status);
        Assert.Empty((await Previews.ListAsync(_maintainer, app.Id)).Value!);
        var delivery = Assert.Single(await DeliveriesAsync(app));
        Assert.Equal(WebhookOutcome.Rejected, delivery.Outcome);
        Assert.StartsWith("refused: the pull request is for", delivery.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(WebhookProvider.GitHub, PullRequestAction.Closed)]
    [InlineData(WebhookProvider.GitLab, PullRequestAction.Merged)]
    [InlineData(WebhookProvider.Gitea, PullRequestAction.Merged)]
    public async Task Closing_or_merging_closes_the_preview_records_the_teardown_and_frees_its_place(WebhookProvider provider, PullRequestAction close)
    {
        var (app, secret) = await AppAsync(maxConcurrent: 1);
        await Receiver.ReceiveAsync(Request(provider, secret, PullRequestAction.Opened, Repo, Repo, number: 1));
        await Receiver.ReceiveAsync(Request(provider, secret, PullRequestAction.Opened, Repo, Repo, number: 2));
        var second = await _host.Get<IPreviewRepository>().FindAsync(app.Id, provider, 2);

        await Receiver.ReceiveAsync(Request(provider, secret, close, Repo, Repo, number: 1));

        var first = await _host.Get<IPreviewRepository>().FindAsync(app.Id, provider, 1);
        Assert.Equal(PreviewState.LimitReached, second!.State);
        Assert.Equal(PreviewState.Closed, first!.State);
        Assert.Equal(PreviewState.Queued, (await _host.Get<IPreviewRepository>().FindAsync(app.Id, provider, 2))!.State);
        Assert.Contains(await _host.Get<IAuditLog>().ListRecentAsync(50),
            e => e.Action == PreviewAuditActions.TornDown && e.Target == $"application:{app.Slug}" && e.Detail!.StartsWith("#1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_preview_idle_longer_than_its_applications_idle_days_is_torn_down_and_a_recent_one_is_kept()
    {
        var (app, secret) = await AppAsync();
        await Receiver.ReceiveAsync(Request(WebhookProvider.GitHub, secret, PullRequestAction.Opened, Repo, Repo, number: 1));
        await Receiver.ReceiveAsync(Request(WebhookProvider.GitHub, secret, PullRequestAction.Opened, Repo, Repo, number: 2));
        var repository = _host.Get<IPreviewRepository>();
        var idle = await repository.FindAsync(app.Id, WebhookProvider.GitHub, 1);
        await repository.SaveAsync(idle! with { LastActivityAt = DateTimeOffset.UtcNow.AddDays(-8) });

        var closed = await _host.Get<PreviewIdleCleanup>().RunAsync();

        Assert.Equal(1, closed);
        Assert.Equal(PreviewState.Closed, (await repository.FindAsync(app.Id, WebhookProvider.GitHub, 1))!.State);
        Assert.Equal(PreviewState.Queued, (await repository.FindAsync(app.Id, WebhookProvider.GitHub, 2))!.State);
    }

    [Fact]
    public async Task A_domain_pattern_under_another_projects_domain_is_refused()
    {
        var (other, _) = await _host.Services.CreateProjectAsync(_maintainer, "Other " + Guid.NewGuid().ToString("N")[..6]);
        var environment = (await _host.Get<EnvironmentService>().ListAsync(_maintainer, other.Id)).Value![0];
        var zone = $"z{Guid.NewGuid():N}"[..12] + ".example.com";
        var holder = await _host.Services.CreateApplicationAsync(_maintainer, environment.Id, "holder");
        var input = ApplicationInput.From(holder);
        input.Domains = "pr-1." + zone;
        Assert.True((await _host.Get<ApplicationService>().UpdateAsync(_maintainer, holder.Id, input)).IsSuccess);
        var (app, _) = await AppAsync(enable: false);

        var saved = await Previews.UpdateSettingsAsync(_maintainer, app.Id, new PreviewSettingsInput { Enabled = true, DomainPattern = "pr-{number}." + zone });

        Assert.Equal(GoForge.Core.Common.ErrorKind.Validation, saved.Error!.Kind);
        Assert.Contains(nameof(PreviewSettingsInput.DomainPattern), saved.Error.FieldErrors.Keys);
    }

    private string Zone(Application app) => $"{app.Slug}.preview.example.com";

    private async Task<(Application App, string Secret)> AppAsync(int maxConcurrent = 3, bool enable = true)
    {
        var app = await _host.Services.CreateApplicationAsync(_maintainer, _environmentId, "app" + Guid.NewGuid().ToString("N")[..8]);
        var input = ApplicationInput.From(app);
        input.GitUrl = Repo;
        var updated = (await _host.Get<ApplicationService>().UpdateAsync(_maintainer, app.Id, input)).Value!;
        var secret = (await _host.Get<WebhookService>().RegenerateSecretAsync(_maintainer, app.Id)).Value!;
        if (enable)
        {
            var saved = await Previews.UpdateSettingsAsync(_maintainer, app.Id, new PreviewSettingsInput
            {
                Enabled = true, DomainPattern = "pr-{number}." + Zone(updated), MaxConcurrent = maxConcurrent, IdleDays = 7,
            });
            Assert.True(saved.IsSuccess, saved.Error?.Message);
        }

        return (updated, secret);
    }

    private async Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(Application app) =>
        (await _host.Get<WebhookService>().ListDeliveriesAsync(_maintainer, app.Id)).Value!;
}
