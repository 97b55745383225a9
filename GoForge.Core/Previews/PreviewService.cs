using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;

namespace GoForge.Core.Previews;

/// <summary>A preview as the Previews tab and the API show it: with its URL (null until the settings give a pattern).</summary>
public sealed record PreviewView(Preview Preview, string? Url)
{
    /// <summary>The preview's own deployments, newest first (at most <see cref="PreviewService.RecentDeployments"/>): each has its log, state and cancel on the deployment page.</summary>
    public IReadOnlyList<Deployment> Deployments { get; init; } = [];
}

/// <summary>
/// Preview deployments as people see them. Viewers list; maintainers change the settings, mark variables, approve a
/// fork's head commit and delete; a member who may deploy the application today may redeploy a preview that needs no
/// approval. A preview of a project the actor cannot see is "not found", exactly like one that does not exist.
/// </summary>
public sealed class PreviewService(
    IPreviewRepository previews,
    IDeploymentRepository deployments,
    ApplicationService applications,
    IEnvironmentVariableRepository variables,
    PreviewSettingsRules rules,
    PreviewTeardown teardown,
    PreviewDeployer deployer,
    IAuditLog audit,
    TimeProvider time)
{
    private const string What = "preview";

    /// <summary>How many of each preview's deployments a listing shows.</summary>
    public const int RecentDeployments = 5;

    public async Task<Result<PreviewSettings>> GetSettingsAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.View, ct);
        return app.IsSuccess ? await previews.GetSettingsAsync(applicationId, ct) ?? PreviewSettings.Off(applicationId) : app.Error;
    }

    /// <summary>Saves the settings (maintainers); the pattern's zone must be held by no other application or project, nor be the panel's.</summary>
    public async Task<Result<PreviewSettings>> UpdateSettingsAsync(Actor actor, Guid applicationId, PreviewSettingsInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.Manage, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        var checkedInput = await rules.CheckAsync(app.Value, input, ct);
        if (!checkedInput.IsSuccess)
        {
            return checkedInput.Error;
        }

        var settings = new PreviewSettings
        {
            ApplicationId = applicationId,
            Enabled = input.Enabled,
            DomainPattern = checkedInput.Value?.Pattern ?? string.Empty,
            MaxConcurrent = input.MaxConcurrent ?? PreviewLimits.DefaultMaxConcurrent,
            IdleDays = input.IdleDays ?? PreviewLimits.DefaultIdleDays,
            UpdatedAt = time.GetUtcNow(),
        };
        if (!await previews.SaveSettingsAsync(settings, checkedInput.Value?.Zone ?? string.Empty, ct))
        {
            return Error.Validation(nameof(PreviewSettingsInput.DomainPattern), "Another application's previews use this zone already.");
        }

        await Audit(actor, app.Value, PreviewAuditActions.SettingsUpdated,
            $"enabled={settings.Enabled}, pattern={settings.DomainPattern}, max={settings.MaxConcurrent}, idle days={settings.IdleDays}", ct);
        return settings;
    }

    public async Task<Result<IReadOnlyList<PreviewView>>> ListAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.View, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        var settings = await previews.GetSettingsAsync(applicationId, ct);
        var pattern = PreviewDomainPattern.Parse(settings?.DomainPattern).Pattern;
        var views = new List<PreviewView>();
        foreach (var p in await previews.ListAsync(applicationId, ct))
        {
            views.Add(new PreviewView(p, p.State == PreviewState.Closed || pattern is null ? null : $"http://{pattern.HostOf(p.Number)}/")
            {
                Deployments = await deployments.ListByPreviewAsync(p.Id, RecentDeployments, ct),
            });
        }

        return views;
    }

    /// <summary>A maintainer approves the preview's exact head commit (a fork's); a later push needs a new approval.</summary>
    public async Task<Result<Preview>> ApproveAsync(Actor actor, Guid previewId, string headCommit, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, previewId, ProjectAction.Manage, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var (app, preview) = found.Value;
        if (preview.State == PreviewState.Closed)
        {
            return Error.Conflict("The pull request is closed: there is nothing to approve.");
        }

        // The commit the maintainer looked at: if a push moved the head meanwhile, that new commit is not approved.
        if (!string.Equals(headCommit, preview.HeadCommit, StringComparison.OrdinalIgnoreCase))
        {
            return Error.Conflict($"The pull request's head is {PreviewDecisions.Short(preview.HeadCommit)} now, not the commit you approved; look at it and approve again.");
        }

        return await QueueAsync(actor, app, preview with { ApprovedCommit = preview.HeadCommit, ApprovedBy = actor.AccountId }, PreviewAuditActions.Approved, ct);
    }

    /// <summary>Queues the preview's head commit again; only when it needs no approval (same repository, or this head approved).</summary>
    public async Task<Result<Preview>> RedeployAsync(Actor actor, Guid previewId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, previewId, ProjectAction.Deploy, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var (app, preview) = found.Value;
        if (preview.State == PreviewState.Closed)
        {
            return Error.Conflict("The pull request is closed: reopen it to deploy a preview again.");
        }

        if (preview.IsFork && !preview.IsApproved)
        {
            return Error.Conflict($"This pull request comes from a fork and its head {PreviewDecisions.Short(preview.HeadCommit)} is not approved: a maintainer approves it first.");
        }

        return await QueueAsync(actor, app, preview, PreviewAuditActions.Queued, ct);
    }

    /// <summary>Tears the preview down and forgets it (maintainers); the next event of the pull request starts a new one.</summary>
    public async Task<Result> DeleteAsync(Actor actor, Guid previewId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, previewId, ProjectAction.Manage, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var (app, preview) = found.Value;
        // Closed and torn down first: the row (and with it the deployments that know the images) goes only after.
        var now = time.GetUtcNow();
        var closed = preview.State == PreviewState.Closed
            ? preview
            : await previews.SaveAsync(preview with { State = PreviewState.Closed, Reason = "deleted by " + actor.Login, ClosedAt = now, LastActivityAt = now }, ct);
        if (preview.State != PreviewState.Closed)
        {
            await teardown.TearDownAsync(app, closed, "deleted by " + actor.Login, ct);
        }
        else if (!await teardown.RemoveLeftoversAsync(app, closed, ct))
        {
            return Error.Conflict("The preview's route or containers could not be removed; nothing was deleted, delete again to retry.");
        }

        await previews.DeleteAsync(preview.Id, ct);
        await Audit(actor, app, PreviewAuditActions.Deleted, $"#{preview.Number}", ct);
        return Result.Success;
    }

    /// <summary>The application's variables with their "available to previews" mark (values never included).</summary>
    public async Task<Result<IReadOnlyList<PreviewVariableMark>>> ListVariablesAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.View, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        var marked = await previews.ListPreviewVariableIdsAsync(applicationId, ct);
        return (await variables.ListAsync(applicationId, ct))
            .Select(v => new PreviewVariableMark(v.Id, v.Key, v.IsSecret, v.IsBuildTime, marked.Contains(v.Id)))
            .ToList();
    }

    /// <summary>Marks a variable "available to previews" or not (maintainers; off by default).</summary>
    public async Task<Result> SetVariableAvailableAsync(Actor actor, Guid applicationId, Guid variableId, bool available, CancellationToken ct = default)
    {
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.Manage, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        if (!await previews.SetPreviewVariableAsync(applicationId, variableId, available, ct))
        {
            return ProjectAccess.NotFound("variable");
        }

        await Audit(actor, app.Value, PreviewAuditActions.VariableMarked, $"{variableId}: {(available ? "available" : "not available")} to previews", ct);
        return Result.Success;
    }

    private async Task<Result<Preview>> QueueAsync(Actor actor, Application app, Preview preview, string action, CancellationToken ct)
    {
        var settings = await previews.GetSettingsAsync(app.Id, ct);
        if (settings is not { Enabled: true })
        {
            return Error.Conflict("Preview deployments are off for this application.");
        }

        var places = await previews.CountPlacesAsync(app.Id, preview.Id, ct);
        var queued = PreviewDecisions.Queue(preview, settings, places, time.GetUtcNow(), out var reason);
        var stored = await previews.SaveAsync(queued, ct);
        await Audit(actor, app, action, $"#{stored.Number} {PreviewDecisions.Short(stored.HeadCommit)}: {reason}", ct);
        await deployer.QueueAsync(app, stored, actor.AccountId, ct);
        return stored;
    }

    private async Task<Result<(Application App, Preview Preview)>> FindAsync(Actor actor, Guid previewId, ProjectAction action, CancellationToken ct)
    {
        if (await previews.GetAsync(previewId, ct) is not { } preview)
        {
            return ProjectAccess.NotFound(What);
        }

        var app = await applications.FindAsync(actor, preview.ApplicationId, action, ct);
        if (!app.IsSuccess)
        {
            // Another project's preview answers exactly like a missing one.
            return app.Error.Kind == ErrorKind.NotFound ? ProjectAccess.NotFound(What) : app.Error;
        }

        return (app.Value, preview);
    }

    private Task Audit(Actor actor, Application app, string action, string detail, CancellationToken ct) =>
        audit.RecordAsync(new AuditEvent
        {
            OccurredAt = time.GetUtcNow(),
            ActorUserId = actor.AccountId,
            Action = action,
            Target = $"application:{app.Slug}",
            ProjectId = app.ProjectId,
            Detail = detail,
        }, ct);
}

/// <summary>A variable's "available to previews" mark, without its value.</summary>
public sealed record PreviewVariableMark(Guid VariableId, string Key, bool IsSecret, bool IsBuildTime, bool AvailableToPreviews);
