using GoForge.Core.Containers;

namespace GoForge.Tests.Support;

/// <summary>An <see cref="InstallationIdentity"/> without a database, for tests that build Core types by hand.</summary>
internal static class TestInstallation
{
    public static InstallationIdentity Identity(Guid? id = null) => new(new Store(id ?? Guid.NewGuid()));

    private sealed class Store(Guid id) : IInstallationStore
    {
        public Task<Guid> GetIdAsync(CancellationToken ct = default) => Task.FromResult(id);
    }
}
