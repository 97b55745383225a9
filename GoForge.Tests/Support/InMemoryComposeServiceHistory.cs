using System.Collections.Concurrent;
using GoForge.Core.Compose;

namespace GoForge.Tests.Support;

/// <summary>
/// Compose service rows for component tests, which have no deployment store (the SQL behind
/// <see cref="IComposeServiceHistory"/> is covered on PostgreSQL in ComposeDeploymentRepositoryTests). A test puts an
/// application's running set; the history lists every set put, newest first.
/// </summary>
public sealed class InMemoryComposeServiceHistory : IComposeServiceHistory
{
    private readonly ConcurrentDictionary<Guid, ImmutableSets> _sets = new();

    public void PutRunning(Guid applicationId, ComposeServiceSet set) =>
        _sets.AddOrUpdate(applicationId, _ => new ImmutableSets(set, [set]), (_, old) => new ImmutableSets(set, [set, .. old.All]));

    public Task<ComposeServiceSet?> FindRunningAsync(Guid applicationId, CancellationToken ct = default) =>
        Task.FromResult(_sets.TryGetValue(applicationId, out var sets) ? sets.Running : null);

    public Task<IReadOnlyList<ComposeServiceSet>> ListAllAsync(Guid applicationId, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<ComposeServiceSet>>(_sets.TryGetValue(applicationId, out var sets) ? sets.All : []);

    private sealed record ImmutableSets(ComposeServiceSet? Running, IReadOnlyList<ComposeServiceSet> All);
}
