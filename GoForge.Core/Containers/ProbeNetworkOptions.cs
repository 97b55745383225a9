using GoForge.Core.Routing;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Containers;

/// <summary>
/// Where the panel reaches containers it probes (section <c>GoForge:Docker</c>, key <c>ProbeNetwork</c>): a health
/// check over HTTP or TCP dials the container's address on this network, and every container GoForge probes joins it.
/// Unset, it is <c>GoForge:Proxy:Network</c>: a panel in its own container joins the proxy's edge network and probes
/// there (docs/decisions/panel-in-a-container.md). Null when neither is set: the panel runs on the host, which reaches
/// every bridge, and probes a container's first network as before.
/// </summary>
public sealed class ProbeNetworkOptions
{
    public const string SectionName = "GoForge:Docker";

    /// <summary>The full key, for messages.</summary>
    public const string Key = SectionName + ":" + nameof(ProbeNetwork);

    /// <summary>A Docker network name; after start-up, <c>GoForge:Proxy:Network</c> when not set.</summary>
    public string? ProbeNetwork { get; set; }
}

internal sealed class ProbeNetworkOptionsValidator : IValidateOptions<ProbeNetworkOptions>
{
    public ValidateOptionsResult Validate(string? name, ProbeNetworkOptions options) => DockerNetworkName.Validate(
        options.ProbeNetwork, $"{ProbeNetworkOptions.Key} (by default {ProxyNetworkOptions.SectionName}:{nameof(ProxyNetworkOptions.Network)})");
}
