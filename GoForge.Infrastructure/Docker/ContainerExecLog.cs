using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Docker;

/// <summary>Exec logs: the program's name only, never its arguments or environment (where credentials travel).</summary>
internal static partial class ContainerExecLog
{
    [LoggerMessage(EventId = 7440, Level = LogLevel.Debug, Message = "Exec of {Program} in container {ContainerId} ended with {ExitCode} after {ElapsedMs:0} ms")]
    public static partial void ExecEnded(this ILogger logger, ShortId containerId, string program, long exitCode, double elapsedMs);

    [LoggerMessage(EventId = 7441, Level = LogLevel.Warning, Message = "Exec of {Program} in container {ContainerId} failed: {Error}")]
    public static partial void ExecFailed(this ILogger logger, ShortId containerId, string program, string error);
}
