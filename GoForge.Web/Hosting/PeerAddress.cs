using System.Net;

namespace GoForge.Web.Hosting;

/// <summary>
/// The remote address of the TCP connection itself, captured ahead of <c>UseForwardedHeaders</c>, which rewrites
/// <c>Connection.RemoteIpAddress</c> to the client a trusted proxy names. Whatever a request's headers say, this is
/// the peer that actually connected.
/// </summary>
internal sealed class PeerAddress
{
    private PeerAddress(IPAddress? address) => Address = address;

    public IPAddress? Address { get; }

    /// <summary>The connection's address; null when it was not captured (a pipeline without <see cref="CaptureAsync"/>).</summary>
    public static IPAddress? Of(HttpContext context) => context?.Features.Get<PeerAddress>()?.Address;

    /// <summary>The middleware: records the connection's address, then passes the request on.</summary>
    public static Task CaptureAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        context.Features.Set(new PeerAddress(context.Connection.RemoteIpAddress));
        return next(context);
    }
}
