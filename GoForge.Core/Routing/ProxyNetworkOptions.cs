using GoForge.Core.Containers;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Routing;

/// <summary>
/// Where the reverse proxy reaches containers (section <c>GoForge:Proxy</c>, key <c>Network</c>, shared with the
/// proxy kind and ACME settings of Infrastructure's <c>ProxyOptions</c>). The older key
/// <c>GoForge:Deployments:ProxyNetwork</c> is still read when the new one is not set (docs/configuration.md).
/// </summary>
public sealed class ProxyNetworkOptions
{
    public const string SectionName = "GoForge:Proxy";

    /// <summary>The key this setting had before it moved to the proxy's section; read as an alias.</summary>
    public const string LegacyKey = "GoForge:Deployments:ProxyNetwork";

    /// <summary>
    /// The Docker network shared with the reverse proxy (e.g. <c>goforge-proxy</c> in the production compose file);
    /// every application container (and routed service) joins it besides its environment's network. Null: the proxy
    /// uses each environment's network.
    /// </summary>
    public string? Network { get; set; }
}

internal sealed class ProxyNetworkOptionsValidator : IValidateOptions<ProxyNetworkOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyNetworkOptions options) => DockerNetworkName.Validate(
        options.Network, $"{ProxyNetworkOptions.SectionName}:{nameof(ProxyNetworkOptions.Network)} (or {ProxyNetworkOptions.LegacyKey})");
}
