using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure;

internal static partial class InfrastructureLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Database migrations applied: {Count} script(s)")]
    public static partial void MigrationsApplied(ILogger logger, int count);

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Docker engine at {Endpoint} is not reachable: {Reason}")]
    public static partial void EngineUnreachable(ILogger logger, string endpoint, string reason);
}
