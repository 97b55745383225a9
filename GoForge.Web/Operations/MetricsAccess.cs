using System.Net;
using System.Security.Cryptography;
using System.Text;
using GoForge.Web.Hosting;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GoForge.Web.Operations;

/// <summary>
/// The gate in front of <c>/metrics</c>: a real loopback connection may read it, that is a connection whose own peer
/// address is loopback (captured before forwarded headers, <see cref="PeerAddress"/>) and that no proxy forwarded from
/// elsewhere; any other needs the configured bearer token. No header can make a request loopback: a forged
/// <c>X-Forwarded-For: 127.0.0.1</c> changes neither the peer nor, from an untrusted peer, the client. Without a
/// configured token others get 404, as if there were no such endpoint; with one, a missing or wrong token gets 401 and
/// a <c>WWW-Authenticate: Bearer</c> challenge.
/// </summary>
internal sealed class MetricsAccess(IOptions<MetricsOptions> options)
{
    private const string BearerPrefix = "Bearer ";

    // Compared as SHA-256 digests: equal lengths, so the fixed-time comparison leaks not even the token's length.
    private readonly byte[]? _tokenDigest = options.Value.Token is { Length: > 0 } token ? SHA256.HashData(Encoding.UTF8.GetBytes(token)) : null;

    /// <param name="peer">The connection's own remote address, before forwarded headers.</param>
    /// <param name="client">The client after forwarded headers from trusted proxies; another address than the peer when a local proxy forwarded it.</param>
    /// <param name="authorization">The Authorization header, if any.</param>
    public MetricsAccessDecision Decide(IPAddress? peer, IPAddress? client, string? authorization)
    {
        if (IsLoopback(peer) && IsLoopback(client))
        {
            return MetricsAccessDecision.Allowed;
        }

        if (_tokenDigest is null)
        {
            return MetricsAccessDecision.NotFound;
        }

        if (authorization is null || !authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return MetricsAccessDecision.Unauthorized;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[BearerPrefix.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _tokenDigest) ? MetricsAccessDecision.Allowed : MetricsAccessDecision.Unauthorized;
    }

    private static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    /// <summary>The middleware of the <c>/metrics</c> branch: answers refused requests itself, passes the others on.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var decision = Decide(PeerAddress.Of(context), context.Connection.RemoteIpAddress, context.Request.Headers.Authorization);
        if (decision == MetricsAccessDecision.Allowed)
        {
            await next(context);
            return;
        }

        // A plain answer of our own, not the panel's HTML "not found" page.
        context.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;
        context.Response.ContentType = "text/plain; charset=utf-8";
        if (decision == MetricsAccessDecision.Unauthorized)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
            await context.Response.WriteAsync("A valid metrics token is required.", context.RequestAborted);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        await context.Response.WriteAsync("Not found.", context.RequestAborted);
    }
}

internal enum MetricsAccessDecision
{
    Allowed,
    NotFound,
    Unauthorized,
}
