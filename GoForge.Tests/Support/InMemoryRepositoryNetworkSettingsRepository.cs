using GoForge.Core.Projects;
using GoForge.Core.GitProviders;

namespace GoForge.Tests.Support;

/// <summary>"Allow local and private repositories" kept in memory for component tests.</summary>
public sealed class InMemoryRepositoryNetworkSettingsRepository : IRepositoryNetworkSettingsRepository
{
    private RepositoryNetworkSetting? _saved;

    public Task<RepositoryNetworkSetting?> GetAsync(CancellationToken ct = default) => Task.FromResult(_saved);

    public Task SaveAsync(bool allowLocalAndPrivate, Guid updatedBy, DateTimeOffset now, CancellationToken ct = default)
    {
        _saved = new RepositoryNetworkSetting(allowLocalAndPrivate, now);
        return Task.CompletedTask;
    }
}
