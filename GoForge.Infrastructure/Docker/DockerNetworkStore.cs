using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Containers;
using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Docker;

/// <summary>Bridge networks, over the one cached client. Which network is whose is Core's call (<see cref="EnvironmentNetworks"/>).</summary>
public sealed class DockerNetworkStore(DockerClientProvider docker, ILogger<DockerNetworkStore> logger) : INetworkStore
{
    /// <summary>An unreachable engine, as the port's exception (<see cref="DockerErrors.GuardAsync{T}"/>).</summary>
    private static readonly Func<string, Exception, Exception> Unreachable = static (message, e) => new EngineException(message, e);

    public Task<IReadOnlyList<EngineNetwork>> FindByNameAsync(string name, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(FindByNameCoreAsync(name, ct), Unreachable);

    private async Task<IReadOnlyList<EngineNetwork>> FindByNameCoreAsync(string name, CancellationToken ct)
    {
        try
        {
            // The name filter matches substrings: the exact name is checked here. The list leaves out the containers.
            var listed = await docker.Client.Networks.ListNetworksAsync(
                new NetworksListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [name] = true } } },
                ct);
            var found = new List<EngineNetwork>();
            foreach (var network in listed.Where(n => n.Name == name))
            {
                try
                {
                    found.Add(ToEngine(await docker.Client.Networks.InspectNetworkAsync(network.ID, ct)));
                }
                catch (DockerApiException e) when (e.IsNotFound())
                {
                    // Removed since the list: not there.
                }
            }

            return found.OrderBy(n => n.Created).ThenBy(n => n.Id, StringComparer.Ordinal).ToList();
        }
        catch (DockerApiException e)
        {
            throw new EngineException($"The networks named {name} could not be listed: {e.EngineMessage()}", e);
        }
    }

    public Task<IReadOnlyList<EngineNetwork>> ListAsync(IReadOnlyDictionary<string, string> labelFilter, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(ListCoreAsync(labelFilter, ct), Unreachable);

    private async Task<IReadOnlyList<EngineNetwork>> ListCoreAsync(IReadOnlyDictionary<string, string> labelFilter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(labelFilter);
        try
        {
            var listed = await docker.Client.Networks.ListNetworksAsync(
                new NetworksListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = labelFilter.ToDictionary(l => $"{l.Key}={l.Value}", _ => true) } },
                ct);
            return listed.Select(ToEngine).ToList();
        }
        catch (DockerApiException e)
        {
            throw new EngineException($"The networks could not be listed: {e.EngineMessage()}", e);
        }
    }

    public Task<string?> CreateAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(CreateCoreAsync(name, labels, ct), Unreachable);

    private async Task<string?> CreateCoreAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(labels);
        try
        {
            var created = await docker.Client.Networks.CreateNetworkAsync(
                new NetworksCreateParameters { Name = name, Driver = "bridge", Labels = labels.ToDictionary() },
                ct);
            logger.NetworkCreated(name, created.ID);
            return created.ID;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // Created meanwhile (engines since 25 refuse a second network of one name): the caller looks again.
            return null;
        }
        catch (DockerApiException e)
        {
            throw new EngineException($"The network {name} could not be created: {e.EngineMessage()}", e);
        }
    }

    public Task RemoveAsync(string networkId, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(RemoveCoreAsync(networkId, ct), Unreachable);

    private async Task RemoveCoreAsync(string networkId, CancellationToken ct)
    {
        try
        {
            await docker.Client.Networks.DeleteNetworkAsync(networkId, ct);
            logger.NetworkRemoved(networkId);
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            // Already gone.
        }
        catch (DockerApiException e)
        {
            throw new EngineException($"The network {new ShortId(networkId)} could not be removed: {e.EngineMessage()}", e);
        }
    }

    public Task ConnectAsync(string networkId, string containerId, IReadOnlyList<string> aliases, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(ConnectCoreAsync(networkId, containerId, aliases, ct), Unreachable);

    private async Task ConnectCoreAsync(string networkId, string containerId, IReadOnlyList<string> aliases, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(aliases);
        try
        {
            var inspected = await docker.Client.Containers.InspectContainerAsync(containerId, ct);
            if (inspected.NetworkSettings?.Networks?.Values.Any(n => n.NetworkID == networkId) == true)
            {
                return;
            }

            await docker.Client.Networks.ConnectNetworkAsync(
                networkId,
                new NetworkConnectParameters { Container = containerId, EndpointConfig = new EndpointSettings { Aliases = aliases.ToList() } },
                ct);
        }
        catch (DockerApiException e)
        {
            throw new EngineException($"The container {new ShortId(containerId)} could not join the network {new ShortId(networkId)}: {e.EngineMessage()}", e);
        }
    }

    public Task DisconnectAsync(string networkId, string containerId, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(DisconnectCoreAsync(networkId, containerId, ct), Unreachable);

    private async Task DisconnectCoreAsync(string networkId, string containerId, CancellationToken ct)
    {
        try
        {
            var inspected = await docker.Client.Containers.InspectContainerAsync(containerId, ct);
            if (inspected.NetworkSettings?.Networks?.Values.Any(n => n.NetworkID == networkId) != true)
            {
                return;
            }

            await docker.Client.Networks.DisconnectNetworkAsync(networkId, new NetworkDisconnectParameters { Container = containerId }, ct);
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            // The container or the network is gone: not attached either way.
        }
        catch (DockerApiException e)
        {
            throw new EngineException($"The container {new ShortId(containerId)} could not leave the network {new ShortId(networkId)}: {e.EngineMessage()}", e);
        }
    }

    private static EngineNetwork ToEngine(NetworkResponse network) => new(
        network.ID,
        network.Name,
        new DateTimeOffset(DateTime.SpecifyKind(network.Created, network.Created.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : network.Created.Kind)),
        network.Labels?.ToDictionary(StringComparer.Ordinal) ?? new Dictionary<string, string>(StringComparer.Ordinal),
        network.Containers?.Keys.ToList() ?? []);
}
