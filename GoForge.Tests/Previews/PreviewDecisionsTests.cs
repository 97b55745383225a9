using GoForge.Core.GitProviders;
using GoForge.Core.Previews;
using GoForge.Core.Projects;
using static GoForge.Tests.Previews.PullRequestDeliveries;

namespace GoForge.Tests.Previews;

/// <summary>The fork boundary and the limit, decided without a database: every provider's payload through <see cref="PreviewDecisions"/>.</summary>
public sealed class PreviewDecisionsTests
{
    private const string Repo = "https://git.example.com/acme/shop.git";
    private const string Fork = "https://git.example.com/contributor/shop.git";
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 17, 0, 0, TimeSpan.Zero);

    private static readonly Application App = new()
    {
        Id = Guid.NewGuid(), ProjectId = Guid.NewGuid(), EnvironmentId = Guid.NewGuid(), Name = "shop", Slug = "shop", GitUrl = Repo, Branch = "main",
        BuildContext = ".", DockerfilePath = "Dockerfile", ContainerPort = 8080, CreatedAt = Now, UpdatedAt = Now,
    };

    private static readonly PreviewSettings On = new()
    {
        ApplicationId = App.Id, Enabled = true, DomainPattern = "pr-{number}.preview.example.com", MaxConcurrent = 2, IdleDays = 7, UpdatedAt = Now,
    };

    private static PreviewDecision Decide(WebhookProvider provider, PullRequestAction action, string head, Preview? existing = null, int places = 0,
        string sha = HeadSha, string baseUrl = Repo, PreviewSettings? settings = null)
    {
        var (evt, _) = WebhookPayload.Read(Request(provider, "s", action, baseUrl, head, headSha: sha));
        return PreviewDecisions.Decide(App, settings ?? On, provider, evt!, existing, places, Now);
    }

    [Theory]
    [InlineData(WebhookProvider.GitHub)]
    [InlineData(WebhookProvider.GitLab)]
    [InlineData(WebhookProvider.Gitea)]
    public void A_same_repository_pull_request_is_queued_without_approval(WebhookProvider provider)
    {
        var decided = Decide(provider, PullRequestAction.Opened, Repo);

        Assert.Equal(WebhookOutcome.Deployed, decided.Outcome);
        Assert.Equal((PreviewState.Queued, false, HeadSha), (decided.Preview!.State, decided.Preview.IsFork, decided.Preview.HeadCommit));
    }

    [Theory]
    [InlineData(WebhookProvider.GitHub)]
    [InlineData(WebhookProvider.GitLab)]
    [InlineData(WebhookProvider.Gitea)]
    public void A_forks_pull_request_waits_for_approval_and_builds_nothing(WebhookProvider provider)
    {
        var decided = Decide(provider, PullRequestAction.Opened, Fork);

        Assert.Equal(WebhookOutcome.Ignored, decided.Outcome);
        Assert.Equal((PreviewState.AwaitingApproval, true), (decided.Preview!.State, decided.Preview.IsFork));
    }

    [Theory]
    [InlineData(WebhookProvider.GitHub)]
    [InlineData(WebhookProvider.GitLab)]
    [InlineData(WebhookProvider.Gitea)]
    public void A_push_to_an_approved_fork_waits_for_a_new_approval(WebhookProvider provider)
    {
        var approved = Decide(provider, PullRequestAction.Opened, Fork).Preview! with { ApprovedCommit = HeadSha, State = PreviewState.Running };

        var pushed = Decide(provider, PullRequestAction.Synchronized, Fork, existing: approved, sha: PushedSha);

        Assert.Equal((PreviewState.AwaitingApproval, PushedSha, HeadSha), (pushed.Preview!.State, pushed.Preview.HeadCommit, pushed.Preview.ApprovedCommit));
        Assert.False(pushed.Preview.IsApproved);
    }

    [Fact]
    public void An_approved_forks_head_is_queued_when_the_event_comes_again()
    {
        var waiting = Decide(WebhookProvider.GitHub, PullRequestAction.Opened, Fork).Preview! with { ApprovedCommit = HeadSha, State = PreviewState.Closed };

        var reopened = Decide(WebhookProvider.GitHub, PullRequestAction.Reopened, Fork, existing: waiting);

        Assert.Equal(PreviewState.Queued, reopened.Preview!.State);
    }

    [Theory]
    [InlineData(WebhookProvider.GitHub)]
    [InlineData(WebhookProvider.GitLab)]
    [InlineData(WebhookProvider.Gitea)]
    public void A_signed_event_for_another_repository_is_refused(WebhookProvider provider)
    {
        var decided = Decide(provider, PullRequestAction.Opened, "https://git.example.com/mallory/other.git", baseUrl: "https://git.example.com/mallory/other.git");

        Assert.Equal(WebhookOutcome.Rejected, decided.Outcome);
        Assert.Null(decided.Preview);
        Assert.StartsWith("refused", decided.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_preview_beyond_the_limit_waits_instead_of_stopping_another()
    {
        var decided = Decide(WebhookProvider.GitHub, PullRequestAction.Opened, Repo, places: On.MaxConcurrent);

        Assert.Equal(PreviewState.LimitReached, decided.Preview!.State);
        Assert.Equal(WebhookOutcome.Ignored, decided.Outcome);
    }

    [Theory]
    [InlineData(PullRequestAction.Closed)]
    [InlineData(PullRequestAction.Merged)]
    public void Closing_or_merging_closes_the_preview(PullRequestAction action)
    {
        var open = Decide(WebhookProvider.GitHub, PullRequestAction.Opened, Repo).Preview! with { State = PreviewState.Running };

        var closed = Decide(WebhookProvider.GitHub, action, Repo, existing: open);

        Assert.Equal(PreviewState.Closed, closed.Preview!.State);
        Assert.Equal(Now, closed.Preview.ClosedAt);
    }

    [Fact]
    public void Nothing_happens_while_previews_are_off()
    {
        var decided = Decide(WebhookProvider.GitHub, PullRequestAction.Opened, Repo, settings: PreviewSettings.Off(App.Id));

        Assert.Equal(WebhookOutcome.Ignored, decided.Outcome);
        Assert.Null(decided.Preview);
    }

    [Theory]
    [InlineData("pr-{number}.preview.example.com", "pr-12.preview.example.com", "preview.example.com")]
    [InlineData("{number}.PR.Example.com.", "12.pr.example.com", "pr.example.com")]
    public void A_domain_pattern_gives_each_pull_request_a_host_under_one_zone(string pattern, string host, string zone)
    {
        var (parsed, error) = PreviewDomainPattern.Parse(pattern);

        Assert.Null(error);
        Assert.Equal((host, zone), (parsed!.HostOf(12), parsed.Zone));
    }

    [Theory]
    [InlineData("")]
    [InlineData("preview.example.com")]
    [InlineData("pr-{number}-{number}.example.com")]
    [InlineData("pr.{number}.example.com")]
    [InlineData("pr-{number}.com")]
    [InlineData("pr_{number}.example.com")]
    [InlineData("pr-{number}.exa mple.com")]
    public void A_domain_pattern_without_one_number_in_its_first_label_or_that_makes_no_host_is_refused(string pattern)
    {
        var (parsed, error) = PreviewDomainPattern.Parse(pattern);

        Assert.Null(parsed);
        Assert.NotNull(error);
    }

    [Fact]
    public void Previews_get_only_variables_marked_for_them_and_never_an_unmarked_build_time_secret()
    {
        EnvironmentVariable Var(string key, bool secret = false, bool buildTime = false) =>
            new() { Id = Guid.NewGuid(), ApplicationId = App.Id, Key = key, Value = "v", IsSecret = secret, IsBuildTime = buildTime, UpdatedAt = Now };
        var publicUrl = Var("PUBLIC_URL");
        var npmToken = Var("NPM_TOKEN", secret: true, buildTime: true);
        var markedToken = Var("PREVIEW_NPM_TOKEN", secret: true, buildTime: true);
        var database = Var("DATABASE_URL", secret: true);

        var given = PreviewVariables.For([publicUrl, npmToken, markedToken, database], new HashSet<Guid> { publicUrl.Id, markedToken.Id });

        Assert.Equal(["PUBLIC_URL", "PREVIEW_NPM_TOKEN"], given.Select(v => v.Key));
    }
}

/// <summary>A preview's container name: distinct per preview, valid for Docker and DNS, never taken for an application's.</summary>
public sealed class PreviewNamesTests
{
    [Fact]
    public void Preview_container_names_are_distinct_valid_dns_labels_apart_from_application_containers()
    {
        var id = Guid.NewGuid();

        var names = new[] { GoForge.Core.Containers.EngineNames.PreviewContainer(id, 1), GoForge.Core.Containers.EngineNames.PreviewContainer(id, int.MaxValue), GoForge.Core.Containers.EngineNames.PreviewContainer(Guid.NewGuid(), 1) };

        Assert.Equal(3, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.Matches("^goforge-pr-[0-9a-f]{32}-[0-9]+$", n));
        Assert.All(names, n => Assert.InRange(n.Length, 1, GoForge.Core.Containers.EngineNames.MaxContainerName));
        Assert.NotEqual(GoForge.Core.Containers.EngineNames.AppContainer(id, "1"), names[0]);
    }
}
