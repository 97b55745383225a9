using System.Net;
using GoForge.Core.Containers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace GoForge.Web.Hosting;

/// <summary>Where the panel listens, as far as its isolation is concerned (section <c>GoForge:Listen</c>).</summary>
public sealed class ListenGuardOptions
{
    public const string SectionName = "GoForge:Listen";

    /// <summary>
    /// Whether the panel runs in a container; null (the default): it does when <c>/.dockerenv</c> or
    /// <c>/run/.containerenv</c> exists. <c>false</c> turns the guard off, for a panel in a container that is on no network
    /// an application shares (a development container, say).
    /// </summary>
    public bool? InContainer { get; set; }
}

/// <summary>
/// Refuses to start a panel in a container that listens on every address while a probe network is configured: the
/// panel then sits on the edge network beside every application (docs/decisions/panel-in-a-container.md), and a
/// wildcard address would open its port to them. It must listen on loopback and on its own address on the network it
/// shares with the proxy alone (<c>ASPNETCORE_URLS</c>). Checked once the server is bound, whichever way the addresses
/// were given; start-up then fails, and the host stops the server.
/// </summary>
internal sealed class ListenGuard(IServer server, IOptions<ListenGuardOptions> options, IOptions<ProbeNetworkOptions> probe) : IHostedLifecycleService
{
    private static readonly string[] ContainerMarkers = ["/.dockerenv", "/run/.containerenv"];

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var inContainer = options.Value.InContainer ?? ContainerMarkers.Any(File.Exists);
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        if (Refusal(inContainer, probe.Value.ProbeNetwork, addresses) is { } refusal)
        {
            throw new InvalidOperationException(refusal);
        }

        return Task.CompletedTask;
    }

    /// <summary>Why the panel must not serve on <paramref name="addresses"/>; null when it may.</summary>
    public static string? Refusal(bool inContainer, string? probeNetwork, IEnumerable<string> addresses)
    {
        var everywhere = addresses.Where(IsWildcard).ToList();
        return inContainer && probeNetwork is not null && everywhere.Count > 0
            ? $"The panel runs in a container and probes through {probeNetwork} ({ProbeNetworkOptions.Key}), the network applications are on, " +
              $"yet it listens on every address ({string.Join(", ", everywhere)}): applications could reach its port. " +
              "Listen on loopback and on the panel's own address on the network it shares with the proxy alone, e.g. " +
              "ASPNETCORE_URLS=http://127.0.0.1:8080;http://172.31.251.3:8080 (docs/configuration.md). " +
              $"{ListenGuardOptions.SectionName}:{nameof(ListenGuardOptions.InContainer)}=false turns this check off."
            : null;
    }

    /// <summary>True for an address that binds every interface: <c>0.0.0.0</c>, <c>[::]</c>, <c>+</c>, <c>*</c>.</summary>
    public static bool IsWildcard(string address)
    {
        string host;
        try
        {
            host = BindingAddress.Parse(address).Host;
        }
        catch (FormatException)
        {
            return false;
        }

        return host is "+" or "*"
            || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)));
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static class ListenGuardRegistration
{
    public static IServiceCollection AddListenGuard(this IServiceCollection services)
    {
        services.AddOptions<ListenGuardOptions>().BindConfiguration(ListenGuardOptions.SectionName).ValidateOnStart();
        services.AddHostedService<ListenGuard>();
        return services;
    }
}
