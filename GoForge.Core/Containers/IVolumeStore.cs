namespace GoForge.Core.Containers;

/// <summary>
/// Named volumes on the engine (a service's data). Every failure, an unreachable engine included, is an
/// <see cref="EngineException"/> with the engine's message.
/// </summary>
public interface IVolumeStore
{
    /// <summary>Creates the named volume with its labels unless it exists (an existing one is reused as it is).</summary>
    Task EnsureVolumeAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct = default);

    /// <summary>The volume's labels; null when no volume has that name. Core checks them before it reuses a volume.</summary>
    Task<IReadOnlyDictionary<string, string>?> GetLabelsAsync(string name, CancellationToken ct = default);

    /// <summary>Removes the volume; a missing one is not an error.</summary>
    Task RemoveVolumeAsync(string name, CancellationToken ct = default);

    /// <summary>Names of the volumes carrying every label in <paramref name="labelFilter"/>.</summary>
    Task<IReadOnlyList<string>> ListVolumesAsync(IReadOnlyDictionary<string, string> labelFilter, CancellationToken ct = default);
}
