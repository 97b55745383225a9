namespace GoForge.Core.Identity.GitHub;

/// <summary>The GitHub settings saved on the Settings page. The client secret is encrypted at this boundary.</summary>
public interface IGitHubSettingsRepository
{
    /// <summary>The saved settings (origin <see cref="GitHubSettingsOrigin.Panel"/>); null when none were saved.</summary>
    Task<GitHubSettings?> GetAsync(CancellationToken ct = default);

    Task SaveAsync(GitHubSettings settings, Guid updatedBy, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Forgets the saved settings, so configuration applies again; false when there were none.</summary>
    Task<bool> DeleteAsync(CancellationToken ct = default);
}
