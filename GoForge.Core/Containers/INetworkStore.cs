namespace GoForge.Core.Containers;

/// <summary>
/// Bridge networks on the engine. The adapter only carries out calls; which network is whose, and which one to use, is
/// decided in Core (<see cref="EnvironmentNetworks"/>). Every failure, an unreachable engine included, is an
/// <see cref="EngineException"/> with the engine's message.
/// </summary>
public interface INetworkStore
{
    /// <summary>Every network named exactly <paramref name="name"/> (the engine allows several), oldest first.</summary>
    Task<IReadOnlyList<EngineNetwork>> FindByNameAsync(string name, CancellationToken ct = default);

    /// <summary>
    /// Creates a bridge network; its id, or null when the engine refused because the name was taken meanwhile (engines
    /// since 25 keep names unique; older ones create a second network of the name).
    /// </summary>
    Task<string?> CreateAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct = default);

    /// <summary>
    /// Every network carrying all labels in <paramref name="labelFilter"/>, in one listing: the engine's list leaves out
    /// the containers, so <see cref="EngineNetwork.ContainerIds"/> is empty (removing a network in use is refused anyway).
    /// </summary>
    Task<IReadOnlyList<EngineNetwork>> ListAsync(IReadOnlyDictionary<string, string> labelFilter, CancellationToken ct = default);

    /// <summary>Removes the network; a missing one is not an error, one still in use is (the engine's message).</summary>
    Task RemoveAsync(string networkId, CancellationToken ct = default);

    /// <summary>Attaches a container (by id) to the network (by id) with DNS <paramref name="aliases"/>; attached already is not an error.</summary>
    Task ConnectAsync(string networkId, string containerId, IReadOnlyList<string> aliases, CancellationToken ct = default);

    /// <summary>Detaches a container from the network; not attached (or gone) is not an error.</summary>
    Task DisconnectAsync(string networkId, string containerId, CancellationToken ct = default);
}

/// <summary>A network as the engine reports it: id, name, creation time, labels and the ids of the containers on it.</summary>
public sealed record EngineNetwork(
    string Id,
    string Name,
    DateTimeOffset Created,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> ContainerIds);
