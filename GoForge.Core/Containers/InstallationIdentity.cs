namespace GoForge.Core.Containers;

/// <summary>Reads the installation's id: a random uuid made once per database by its migrations.</summary>
public interface IInstallationStore
{
    Task<Guid> GetIdAsync(CancellationToken ct = default);
}

/// <summary>
/// This installation's id (<see cref="GoForgeLabels.Installation"/>), read from the database once and kept. It is what
/// proves a container, network or volume on a shared engine is this panel's own (docs/deployments/after-a-crash.md#ownership).
/// </summary>
public sealed class InstallationIdentity(IInstallationStore store)
{
    private Guid? _id;

    public async Task<Guid> IdAsync(CancellationToken ct = default)
    {
        if (_id is { } known)
        {
            return known;
        }

        var id = await store.GetIdAsync(ct);
        _id = id;
        return id;
    }

    /// <summary>Adds the installation label to labels GoForge is about to create a resource with.</summary>
    public async Task<Dictionary<string, string>> StampAsync(IReadOnlyDictionary<string, string> labels, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return new Dictionary<string, string>(labels, StringComparer.Ordinal) { [GoForgeLabels.Installation] = (await IdAsync(ct)).ToString() };
    }
}
