using GoForge.Core.GitProviders;

namespace GoForge.Core.Previews;

/// <summary>Previews, their applications' settings and the variables marked for previews.</summary>
public interface IPreviewRepository
{
    /// <summary>The application's settings, or null when it never saved any.</summary>
    Task<PreviewSettings?> GetSettingsAsync(Guid applicationId, CancellationToken ct = default);

    /// <summary>Saves the settings; false when another application holds <paramref name="zone"/> (one zone, one application).</summary>
    Task<bool> SaveSettingsAsync(PreviewSettings settings, string zone, CancellationToken ct = default);

    Task<Preview?> GetAsync(Guid previewId, CancellationToken ct = default);

    Task<Preview?> FindAsync(Guid applicationId, WebhookProvider provider, int number, CancellationToken ct = default);

    /// <summary>The application's previews, open ones first, then newest activity first.</summary>
    Task<IReadOnlyList<Preview>> ListAsync(Guid applicationId, CancellationToken ct = default);

    /// <summary>How many of the application's previews hold a place (queued or running), <paramref name="except"/> not counted.</summary>
    Task<int> CountPlacesAsync(Guid applicationId, Guid? except, CancellationToken ct = default);

    /// <summary>Inserts or replaces the preview (unique per application, provider and number); returns it as stored.</summary>
    Task<Preview> SaveAsync(Preview preview, CancellationToken ct = default);

    Task DeleteAsync(Guid previewId, CancellationToken ct = default);

    /// <summary>
    /// Sets the state a preview's deployment ended in, only while the preview's head is still <paramref name="headCommit"/>
    /// and it is not closed (a push or a close meanwhile wins); false when nothing was changed.
    /// </summary>
    Task<bool> SetOutcomeAsync(Guid previewId, string headCommit, PreviewState state, string reason, CancellationToken ct = default);

    /// <summary>Closed previews that still hold something: a deployment not ended or still running, or an image not removed (a teardown a crash cut short).</summary>
    Task<IReadOnlyList<Preview>> ListClosedWithLeftoversAsync(CancellationToken ct = default);

    /// <summary>Open previews (not closed) whose last activity is before <paramref name="before"/> for their application's idle days.</summary>
    Task<IReadOnlyList<Preview>> ListIdleAsync(DateTimeOffset now, CancellationToken ct = default);

    /// <summary>The oldest preview of the application waiting as <see cref="PreviewState.LimitReached"/>, if any.</summary>
    Task<Preview?> OldestWaitingAsync(Guid applicationId, CancellationToken ct = default);

    /// <summary>The ids of the application's variables marked "available to previews".</summary>
    Task<IReadOnlySet<Guid>> ListPreviewVariableIdsAsync(Guid applicationId, CancellationToken ct = default);

    /// <summary>Marks or unmarks one variable of the application; false when the application has no such variable.</summary>
    Task<bool> SetPreviewVariableAsync(Guid applicationId, Guid variableId, bool available, CancellationToken ct = default);
}
