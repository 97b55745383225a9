using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace GoForge.Web.Hosting;

/// <summary>
/// One entry of <c>GoForge:TrustedProxies</c>: the address of one reverse proxy (IPv4 or IPv6, or the same written as
/// a one-address CIDR, <c>/32</c> or <c>/128</c>). A network wider than one address is refused: every container on it
/// could forge X-Forwarded-For. A host name is refused too: resolved once it goes stale when the proxy's container is
/// recreated, resolved per request it makes every request depend on DNS. Pin the proxy's address instead
/// (docs/configuration.md).
/// </summary>
internal static class TrustedProxyAddress
{
    /// <summary>The address in <paramref name="text"/>, or why it cannot be trusted (a sentence naming the value).</summary>
    public static bool TryParse(string? text, out IPAddress address, out string problem)
    {
        address = IPAddress.None;
        var value = text?.Trim() ?? string.Empty;
        if (value.Length == 0)
        {
            problem = "holds an empty entry";
            return false;
        }

        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var host = slash < 0 ? value : value[..slash];
        if (!TryParseAddress(host, out var parsed))
        {
            problem = value.Any(char.IsLetter) && !value.Contains(':', StringComparison.Ordinal) && slash < 0
                ? $"holds '{Shorten(value)}', a host name: give the proxy's own address (pin it, e.g. with ipv4_address in the compose file), never a name resolved once and then trusted"
                : $"holds '{Shorten(value)}', which is not an IP address (e.g. 172.31.251.2)";
            return false;
        }

        if (slash >= 0)
        {
            var full = parsed.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
            if (!int.TryParse(value[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > full)
            {
                problem = $"holds '{Shorten(value)}', which is not an IP address (e.g. 172.31.251.2)";
                return false;
            }

            if (prefix != full)
            {
                problem = $"holds the network '{Shorten(value)}': forwarded headers are trusted only from the proxy's own address " +
                          "(e.g. 172.31.251.2), never from a whole network, where any container could forge them";
                return false;
            }
        }

        if (parsed.Equals(IPAddress.Any) || parsed.Equals(IPAddress.IPv6Any) || parsed.Equals(IPAddress.Broadcast) || IsMulticast(parsed))
        {
            problem = $"holds '{Shorten(value)}', which is not the address of one host";
            return false;
        }

        address = parsed;
        problem = string.Empty;
        return true;
    }

    /// <summary>Dotted IPv4 with four parts only (<see cref="IPAddress.TryParse(string?, out IPAddress?)"/> also takes "10.1" and "167772161"), or IPv6.</summary>
    private static bool TryParseAddress(string text, out IPAddress address)
    {
        address = IPAddress.None;
        if (!IPAddress.TryParse(text, out var parsed) || parsed is null)
        {
            return false;
        }

        if (parsed.AddressFamily == AddressFamily.InterNetwork && !string.Equals(parsed.ToString(), text, StringComparison.Ordinal))
        {
            return false;
        }

        if (parsed.AddressFamily == AddressFamily.InterNetworkV6 && parsed.ScopeId != 0)
        {
            return false;
        }

        address = parsed;
        return true;
    }

    private static bool IsMulticast(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6
        ? address.IsIPv6Multicast
        : (address.GetAddressBytes()[0] & 0xF0) == 0xE0;

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..60] + "…";
}
