using GoForge.Core.Projects;
using System.Net;
using System.Net.Sockets;
using GoForge.Core.GitProviders;

namespace GoForge.Infrastructure.Git;

/// <summary>
/// Where a clone may connect. Every transport (smart HTTP, git://, ssh) resolves the host here and connects to exactly
/// the addresses it checked, so a DNS answer cannot change between the check and the connection (no rebinding), and a
/// redirect is checked like the first request. Unless local and private repositories are allowed, a host with any
/// refused address (<see cref="RepositoryNetworkRules.IsRefused"/>) is refused before a single packet is sent to it.
/// </summary>
internal static class RepositoryEndpoint
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The addresses of <paramref name="host"/> a clone may connect to.</summary>
    /// <exception cref="RepositoryAddressRefusedException">The host is, or resolves to, a refused address.</exception>
    public static async Task<IPAddress[]> ResolveAsync(string host, bool allowPrivateNetworks, CancellationToken ct)
    {
        var name = host.Trim('[', ']');
        var addresses = IPAddress.TryParse(name, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(name, ct);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        if (!allowPrivateNetworks && addresses.FirstOrDefault(RepositoryNetworkRules.IsRefused) is { } refused)
        {
            var what = literal is null ? $"{host} resolves to {refused}, which is" : $"{host} is";
            throw new RepositoryAddressRefusedException(
                $"{what} {RepositoryNetworkRules.Describe(refused)}, inside the panel's own host or network, and local and private repositories are not allowed. {RepositoryNetworkRules.SettingHint}");
        }

        return addresses;
    }

    /// <summary>A connected TCP socket to a checked address of <paramref name="host"/>.</summary>
    public static async Task<Socket> ConnectAsync(string host, int port, bool allowPrivateNetworks, CancellationToken ct)
    {
        var addresses = await ResolveAsync(host, allowPrivateNetworks, ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ConnectTimeout);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address, port, timeout.Token);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }
}

/// <summary>A repository host refused because its address is local or private; the message is for the user.</summary>
internal sealed class RepositoryAddressRefusedException(string message) : IOException(message);
