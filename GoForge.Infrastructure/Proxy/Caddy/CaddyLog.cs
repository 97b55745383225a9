using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Proxy.Caddy;

internal static partial class CaddyLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "Caddy route {RouteId} {Change}: {Hosts} → {Dial}")]
    public static partial void RouteApplied(this ILogger logger, string routeId, string change, string hosts, string dial);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Caddy route {RouteId} removed (present: {Present})")]
    public static partial void RouteRemoved(this ILogger logger, string routeId, bool present);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Caddy route {RouteId}: rate limiting is set but standard Caddy has no rate limiter; served without it")]
    public static partial void RateLimitUnsupported(this ILogger logger, string routeId);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Caddy's admin API refused {Method} {Path}: {Status} {Reason}")]
    public static partial void AdminRefused(this ILogger logger, string method, string path, int status, string reason);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Information, Message = "Caddy routes the panel's host {Host} to {Dial}")]
    public static partial void PanelRoutePlaced(this ILogger logger, string host, string dial);

    [LoggerMessage(EventId = 1305, Level = LogLevel.Warning, Message = "The panel's route for {Host} was missing from Caddy (restarted from its base config?): put back, and the reconciler woken to put the applications' routes back")]
    public static partial void PanelRouteRestored(this ILogger logger, string host);

    [LoggerMessage(EventId = 1306, Level = LogLevel.Warning, Message = "The panel's route could not be put in Caddy through {Endpoint}: {Reason}; next attempt in {Seconds} s")]
    public static partial void PanelRouteFailed(this ILogger logger, string endpoint, string reason, double seconds);
}
