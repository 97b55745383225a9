using Docker.DotNet.Models;
using GoForge.Core.Containers;

namespace GoForge.Infrastructure.Docker;

/// <summary>A container's place on its networks, as the engine's inspection reports it.</summary>
internal static class ContainerEndpoints
{
    /// <summary>The container's endpoint on <paramref name="network"/>, by name or by id (what Core attaches by); null when it is not on it.</summary>
    public static EndpointSettings? On(ContainerInspectResponse container, string network) =>
        container.NetworkSettings?.Networks is { } networks
            ? networks.TryGetValue(network, out var endpoint) ? endpoint : networks.Values.FirstOrDefault(n => n.NetworkID == network)
            : null;

    /// <summary>Its IP address on that endpoint; null while it has none (not started, or stopped).</summary>
    public static string? Address(EndpointSettings? endpoint) =>
        endpoint is not null && !string.IsNullOrEmpty(endpoint.IPAddress) ? endpoint.IPAddress : null;

    /// <summary>
    /// Where the panel dials the container: its address on <paramref name="network"/>, or, with no network (the panel
    /// on the host, which reaches every bridge), on its first network with an address. <c>Refusal</c> says why it
    /// never will be reachable: the container is not on that network (joined networks do not change after start).
    /// </summary>
    public static (string? Address, string? Refusal) ProbeTarget(ContainerInspectResponse container, string? network)
    {
        if (string.IsNullOrEmpty(network))
        {
            return (container.NetworkSettings?.Networks?.Values.Select(n => n.IPAddress).FirstOrDefault(a => !string.IsNullOrEmpty(a)), null);
        }

        return On(container, network) is { } endpoint
            ? (Address(endpoint), null)
            : (null, $"the container is not on {network}, the network the panel probes it through ({ProbeNetworkOptions.Key}); it reaches no other");
    }
}
