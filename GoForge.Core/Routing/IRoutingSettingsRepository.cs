namespace GoForge.Core.Routing;

public interface IRoutingSettingsRepository
{
    /// <summary>The application's saved settings; null when none were saved yet (or the application is gone).</summary>
    Task<RoutingSettings?> GetAsync(Guid applicationId, CancellationToken ct = default);

    /// <summary>Inserts or replaces the settings; false when the application does not exist.</summary>
    Task<bool> SaveAsync(RoutingSettings settings, CancellationToken ct = default);
}
