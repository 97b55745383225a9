using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Proxy.Traefik;

internal static partial class TraefikLog
{
    [LoggerMessage(EventId = 1310, Level = LogLevel.Information, Message = "Traefik route file {File} written: {Hosts} → {Servers}")]
    public static partial void RouteWritten(this ILogger logger, string file, string hosts, string servers);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Information, Message = "Traefik route file {File} removed (present: {Present})")]
    public static partial void RouteDeleted(this ILogger logger, string file, bool present);

    [LoggerMessage(EventId = 1312, Level = LogLevel.Warning, Message = "Traefik route file {File} is not a route GoForge wrote (not JSON, or no server); ignored until it is written again")]
    public static partial void RouteFileUnreadable(this ILogger logger, string file);
}
