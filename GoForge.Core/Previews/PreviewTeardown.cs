using GoForge.Core.Auditing;
using GoForge.Core.Projects;

namespace GoForge.Core.Previews;

/// <summary>
/// What closing a preview does besides storing it Closed: records the teardown, and gives the place it held to the
/// oldest preview of the application waiting as <see cref="PreviewState.LimitReached"/> (new previews wait rather
/// than stop someone's; docs/decisions/previews.md).
/// </summary>
public sealed class PreviewTeardown(IPreviewRepository previews, IAuditLog audit, TimeProvider time)
{
    public async Task TearDownAsync(Application app, Preview closed, string why, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(closed);
        var now = time.GetUtcNow();
        await audit.RecordAsync(new AuditEvent
        {
            OccurredAt = now,
            Action = PreviewAuditActions.TornDown,
            Target = $"application:{app.Slug}",
            ProjectId = app.ProjectId,
            Detail = $"#{closed.Number}: {why}",
        }, ct);
        await PromoteWaitingAsync(app, ct);
    }

    /// <summary>Queues the oldest waiting preview when a place is free.</summary>
    public async Task PromoteWaitingAsync(Application app, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var settings = await previews.GetSettingsAsync(app.Id, ct);
        if (settings is not { Enabled: true } || await previews.OldestWaitingAsync(app.Id, ct) is not { } waiting)
        {
            return;
        }

        var places = await previews.CountPlacesAsync(app.Id, waiting.Id, ct);
        var queued = PreviewDecisions.Queue(waiting, settings, places, time.GetUtcNow(), out _);
        if (queued.State == PreviewState.Queued)
        {
            await previews.SaveAsync(queued, ct);
        }
    }
}
