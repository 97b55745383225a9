using GoForge.Core.GitProviders;
using GoForge.Core.Projects;

namespace GoForge.Core.Previews;

/// <summary>What a pull request event does to its preview: the preview as it is to be stored (null: nothing), the delivery's outcome and why.</summary>
public sealed record PreviewDecision(Preview? Preview, WebhookOutcome Outcome, string Reason);

/// <summary>
/// The fork boundary, decided in one pure place (docs/decisions/previews.md): the event must be for the application's
/// own repository; a head from another repository (a fork) never builds until a maintainer approves its exact head
/// commit, and a new head commit needs a new approval; a new preview beyond the limit waits instead of stopping another.
/// </summary>
public static class PreviewDecisions
{
    /// <summary>Decides an authentic pull request event for <paramref name="app"/>; writes nothing.</summary>
    /// <param name="existing">The stored preview of this pull request, if any.</param>
    /// <param name="placesTaken">The application's previews holding a place now (queued or running), not counting this one.</param>
    public static PreviewDecision Decide(Application app, PreviewSettings settings, WebhookProvider provider, WebhookEvent evt, Preview? existing, int placesTaken, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(evt);
        if (evt.PullRequest is not { } pr)
        {
            return new PreviewDecision(null, WebhookOutcome.Ignored, $"'{evt.Event}' payload names no pull request and head");
        }

        // Both the payload's repository and the pull request's base must be the application's: a signed event for
        // another repository (a secret shared between repositories, a hook moved) is refused, never deployed.
        // Each list the payload gives (its repository, the pull request's base) names it by several URLs; one must match.
        var named = evt.RepositoryUrls.Concat(pr.BaseRepositoryUrls).ToList();
        if (named.Count == 0
            || (evt.RepositoryUrls.Count > 0 && !RepositoryUrl.Matches(app.GitUrl, evt.RepositoryUrls))
            || (pr.BaseRepositoryUrls.Count > 0 && !RepositoryUrl.Matches(app.GitUrl, pr.BaseRepositoryUrls)))
        {
            var other = named.FirstOrDefault(u => !RepositoryUrl.Matches(app.GitUrl, [u])) ?? "no repository";
            return new PreviewDecision(null, WebhookOutcome.Rejected, $"refused: the pull request is for {other}, not for this application's repository");
        }

        if (!settings.Enabled)
        {
            return new PreviewDecision(null, WebhookOutcome.Ignored, $"pull request #{pr.Number}: preview deployments are off for this application");
        }

        if (pr.Action is PullRequestAction.Closed or PullRequestAction.Merged)
        {
            return Close(existing, pr, now);
        }

        if (pr.HeadCommit is not { } head)
        {
            return new PreviewDecision(null, WebhookOutcome.Ignored, $"pull request #{pr.Number}: the payload names no head commit");
        }

        if (existing is null && pr.Action == PullRequestAction.Other)
        {
            return new PreviewDecision(null, WebhookOutcome.Ignored, $"pull request #{pr.Number} '{pr.ActionName}': no preview to update");
        }

        // No head repository at all is treated as a fork: only a proven same-repository head builds unapproved.
        var isFork = pr.HeadRepositoryUrls.Count == 0 || !RepositoryUrl.Matches(app.GitUrl, pr.HeadRepositoryUrls);
        var preview = (existing ?? NewPreview(app, provider, pr, head, isFork, now)) with
        {
            Title = pr.Title,
            Author = pr.Author,
            HeadRepository = pr.HeadRepositoryUrls.Count > 0 ? pr.HeadRepositoryUrls[0] : string.Empty,
            HeadRef = pr.HeadRef,
            HeadCommit = head,
            IsFork = isFork,
            LastActivityAt = now,
            ClosedAt = null,
        };

        var sameHead = existing is not null && existing.State != PreviewState.Closed && existing.HeadCommit == head && existing.IsFork == isFork;
        if (sameHead)
        {
            // An edit, a label, a redelivery: the head did not move, so the state (and any approval) stays.
            return new PreviewDecision(preview, WebhookOutcome.Ignored, $"pull request #{pr.Number} '{pr.ActionName}': head {Short(head)} unchanged");
        }

        if (isFork && !preview.IsApproved)
        {
            return new PreviewDecision(preview with { State = PreviewState.AwaitingApproval, Reason = $"from a fork: a maintainer must approve {Short(head)}" },
                WebhookOutcome.Ignored, $"pull request #{pr.Number} is from a fork ({preview.HeadRepository}); {Short(head)} waits for a maintainer's approval");
        }

        return Queue(preview, settings, placesTaken, $"pull request #{pr.Number} '{pr.ActionName}'");
    }

    /// <summary>The preview after a maintainer approved its head commit (a fork's), or a redeploy was asked for.</summary>
    public static Preview Queue(Preview preview, PreviewSettings settings, int placesTaken, DateTimeOffset now, out string reason)
    {
        ArgumentNullException.ThrowIfNull(preview);
        var decided = Queue(preview with { LastActivityAt = now }, settings, placesTaken, $"pull request #{preview.Number}");
        reason = decided.Reason;
        return decided.Preview!;
    }

    private static PreviewDecision Queue(Preview preview, PreviewSettings settings, int placesTaken, string what)
    {
        if (!preview.HoldsPlace && placesTaken >= settings.MaxConcurrent)
        {
            var why = $"{settings.MaxConcurrent} previews are queued or running already; this one waits until one closes";
            return new PreviewDecision(preview with { State = PreviewState.LimitReached, Reason = why }, WebhookOutcome.Ignored, $"{what}: queued (limit reached)");
        }

        return new PreviewDecision(preview with { State = PreviewState.Queued, Reason = $"queued {Short(preview.HeadCommit)}" },
            WebhookOutcome.Deployed, $"{what}: queued a preview of {Short(preview.HeadCommit)}");
    }

    private static PreviewDecision Close(Preview? existing, PullRequestEvent pr, DateTimeOffset now)
    {
        if (existing is null || existing.State == PreviewState.Closed)
        {
            return new PreviewDecision(null, WebhookOutcome.Ignored, $"pull request #{pr.Number} {Word(pr.Action)}; no preview to tear down");
        }

        var closed = existing with { State = PreviewState.Closed, Reason = $"pull request {Word(pr.Action)}", ClosedAt = now, LastActivityAt = now };
        return new PreviewDecision(closed, WebhookOutcome.Ignored, $"pull request #{pr.Number} {Word(pr.Action)}: preview torn down");
    }

    /// <summary>The identity of a new preview; the decision fills in what the event says (title, author, head).</summary>
    private static Preview NewPreview(Application app, WebhookProvider provider, PullRequestEvent pr, string head, bool isFork, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now), ApplicationId = app.Id, Provider = provider, Number = pr.Number, State = PreviewState.AwaitingApproval,
        CreatedAt = now, LastActivityAt = now, Title = string.Empty, Author = string.Empty, HeadRepository = string.Empty, HeadCommit = head, IsFork = isFork,
    };

    private static string Word(PullRequestAction action) => action == PullRequestAction.Merged ? "merged" : "closed";

    internal static string Short(string sha) => sha.Length > 12 ? sha[..12] : sha;
}
