using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Docker.BuildKit;

/// <summary>BuildKit builder logs (EventIds 7150–7199). Secret values are never logged; keys at most.</summary>
internal static partial class BuildKitLog
{
    [LoggerMessage(EventId = 7150, Level = LogLevel.Warning, Message = "Build limits are not enforced: the cgroup {Cgroup} cannot be written: {Error}")]
    public static partial void BuildLimitsNotApplied(this ILogger logger, string cgroup, string error);

    [LoggerMessage(EventId = 7151, Level = LogLevel.Information, Message = "BuildKit build of {Tag} runs {Cli} with {SecretCount} secret(s), target {Target}")]
    public static partial void BuildKitStarting(this ILogger logger, string tag, string cli, int secretCount, string target);

    [LoggerMessage(EventId = 7152, Level = LogLevel.Warning, Message = "Could not remove the image {Tag} left by a cancelled build: {Error}")]
    public static partial void CanceledImageNotRemoved(this ILogger logger, string tag, string error);

    [LoggerMessage(EventId = 7153, Level = LogLevel.Information, Message = "Pruned {Count} of GoForge's build cache records ({Bytes} bytes) to keep within {Budget} bytes")]
    public static partial void BuildCachePruned(this ILogger logger, int count, long bytes, long budget);

    [LoggerMessage(EventId = 7154, Level = LogLevel.Warning, Message = "Pruning GoForge's build cache failed: {Error}")]
    public static partial void BuildCachePruneFailed(this ILogger logger, string error);
}
