using System.Net;
using System.Net.Sockets;

namespace GoForge.Core.Projects;

/// <summary>
/// Which repositories reach the panel's own host or network: local paths and <c>file://</c>, and addresses that are
/// loopback, private, link-local (cloud metadata included), shared (CGNAT), unspecified, multicast, broadcast or
/// reserved, IPv4-mapped and NAT64 forms of them included. Such repositories are cloned only when an administrator
/// allows local and private repositories. The syntactic part is checked when a URL is saved; the address of a host
/// name is checked by the Git client on each connection it opens, so a DNS answer cannot change between check and use.
/// </summary>
public static class RepositoryNetworkRules
{
    /// <summary>The explanation every refusal ends with.</summary>
    public const string SettingHint = "An administrator can allow local and private repositories in Settings.";

    /// <summary>A local path or <c>file://</c> URL: the panel's own file system.</summary>
    public static bool IsLocal(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var value = url.Trim();
        if (value.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // libgit2 reads anything that is neither scheme:// nor scp-like (user@host:path) as a path.
        if (value.Contains("://", StringComparison.Ordinal))
        {
            return false;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        return colon <= 0 || (slash >= 0 && slash < colon) || value.StartsWith('.') || value.StartsWith('\\');
    }

    /// <summary>
    /// The URL's host, lower case, IDN in its ASCII (punycode) form, IPv6 in brackets; null for a local path or
    /// something that names no host. <c>git@github.com:a/b</c> and <c>https://GitHub.com/a/b</c> both give <c>github.com</c>.
    /// </summary>
    public static string? Host(string? url)
    {
        var value = url?.Trim();
        if (string.IsNullOrEmpty(value) || IsLocal(value))
        {
            return null;
        }

        if (!value.Contains("://", StringComparison.Ordinal))
        {
            var authority = value[..value.IndexOf(':', StringComparison.Ordinal)];
            value = "ssh://" + authority + "/";
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host)
            ? (uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost).ToLowerInvariant()
            : null;
    }

    /// <summary>
    /// Why <paramref name="url"/> is refused when local and private repositories are not allowed, from its text alone
    /// (a local path, <c>file://</c>, an address literal in a refused range, <c>localhost</c>); null when only the
    /// address its host name resolves to can tell, at clone time.
    /// </summary>
    public static string? SyntacticRefusal(string url)
    {
        if (IsLocal(url))
        {
            return $"Local paths and file:// URLs read the panel's own disk. {SettingHint}";
        }

        var host = Host(url);
        if (host is null)
        {
            return null;
        }

        var name = host.TrimEnd('.');
        if (name == "localhost" || name.EndsWith(".localhost", StringComparison.Ordinal))
        {
            return $"The host {host} is the panel's own machine. {SettingHint}";
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IsRefused(address)
            ? $"The address {host} is {Describe(address)}, inside the panel's own host or network. {SettingHint}"
            : null;
    }

    /// <summary>True for an address a repository may only have when local and private repositories are allowed.</summary>
    public static bool IsRefused(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                return IsRefused(address.MapToIPv4());
            }

            var b = address.GetAddressBytes();
            if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
            {
                return true; // ::/96: unspecified, loopback and the deprecated IPv4-compatible forms
            }

            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            {
                return IsRefused(new IPAddress(b[12..])); // NAT64 (64:ff9b::/96) names the IPv4 address it reaches
            }

            return address.Equals(IPAddress.IPv6Loopback) || address.Equals(IPAddress.IPv6Any)
                || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                || (b[0] & 0xfe) == 0xfc; // fc00::/7, unique local
        }

        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return true;
        }

        var v4 = address.GetAddressBytes();
        return v4[0] switch
        {
            0 => true, // "this network", 0.0.0.0 included
            10 => true,
            127 => true,
            100 => v4[1] is >= 64 and <= 127, // 100.64.0.0/10, shared address space (CGNAT)
            169 => v4[1] == 254, // link-local, 169.254.169.254 (cloud metadata) included
            172 => v4[1] is >= 16 and <= 31,
            192 => (v4[1] == 168) || (v4[1] == 0 && v4[2] == 0), // 192.168/16, 192.0.0/24 (IETF protocol assignments)
            198 => v4[1] is 18 or 19, // 198.18/15, benchmarking
            >= 224 => true, // multicast, reserved and 255.255.255.255
            _ => false,
        };
    }

    /// <summary>A few words for a refused address: "a loopback address", "a private address", ...</summary>
    public static string Describe(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var a = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (IPAddress.IsLoopback(a))
        {
            return "a loopback address";
        }

        var b = a.GetAddressBytes();
        return a.AddressFamily == AddressFamily.InterNetwork
            ? b[0] switch
            {
                169 when b[1] == 254 => "a link-local address",
                0 => "an unspecified address",
                >= 224 => "a multicast, broadcast or reserved address",
                _ => "a private address",
            }
            : a.IsIPv6LinkLocal ? "a link-local address"
            : a.IsIPv6Multicast ? "a multicast address"
            : a.Equals(IPAddress.IPv6Any) ? "an unspecified address"
            : "a private address";
    }
}
