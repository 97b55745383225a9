using GoForge.Core.GitProviders;
using static GoForge.Tests.Previews.PullRequestDeliveries;

namespace GoForge.Tests.Previews;

/// <summary>The three providers' pull request payloads (their documented shapes) read into one event.</summary>
public sealed class PullRequestPayloadTests
{
    private const string Base = "https://git.example.com/acme/shop.git";
    private const string Fork = "https://git.example.com/contributor/shop.git";

    [Theory]
    [InlineData(WebhookProvider.GitHub, PullRequestAction.Opened)]
    [InlineData(WebhookProvider.GitHub, PullRequestAction.Reopened)]
    [InlineData(WebhookProvider.GitHub, PullRequestAction.Synchronized)]
    [InlineData(WebhookProvider.GitHub, PullRequestAction.Closed)]
    [InlineData(WebhookProvider.GitHub, PullRequestAction.Merged)]
    [InlineData(WebhookProvider.GitLab, PullRequestAction.Opened)]
    [InlineData(WebhookProvider.GitLab, PullRequestAction.Reopened)]
    [InlineData(WebhookProvider.GitLab, PullRequestAction.Synchronized)]
    [InlineData(WebhookProvider.GitLab, PullRequestAction.Closed)]
    [InlineData(WebhookProvider.GitLab, PullRequestAction.Merged)]
    [InlineData(WebhookProvider.Gitea, PullRequestAction.Opened)]
    [InlineData(WebhookProvider.Gitea, PullRequestAction.Synchronized)]
    [InlineData(WebhookProvider.Gitea, PullRequestAction.Merged)]
    public void Each_providers_pull_request_event_reads_its_action_number_head_and_both_repositories(WebhookProvider provider, PullRequestAction action)
    {
        var (evt, refusal) = WebhookPayload.Read(Request(provider, "secret", action, Base, Fork, number: 42));

        Assert.Null(refusal);
        Assert.Equal(WebhookEventKind.PullRequest, evt!.Kind);
        var pr = Assert.IsType<PullRequestEvent>(evt.PullRequest);
        Assert.Equal((action, 42, HeadSha), (pr.Action, pr.Number, pr.HeadCommit));
        Assert.Contains(Fork, pr.HeadRepositoryUrls);
        Assert.Contains(Base, pr.BaseRepositoryUrls);
        Assert.Contains(Base, evt.RepositoryUrls);
        Assert.False(string.IsNullOrEmpty(pr.Title));
        Assert.False(string.IsNullOrEmpty(pr.Author));
    }

    [Fact]
    public void A_head_commit_that_is_not_a_full_commit_id_is_not_read()
    {
        var (evt, _) = WebhookPayload.Read(Request(WebhookProvider.GitHub, "secret", PullRequestAction.Opened, Base, Fork, headSha: "main; rm -rf /"));

        Assert.Null(evt!.PullRequest!.HeadCommit);
    }

    [Fact]
    public void A_push_is_not_a_pull_request()
    {
        var (evt, _) = WebhookPayload.Read(GitProviders.WebhookDeliveries.Push(WebhookProvider.GitHub, "secret", Base));

        Assert.Equal(WebhookEventKind.Push, evt!.Kind);
        Assert.Null(evt.PullRequest);
    }
}
