using Microsoft.Extensions.Logging;

namespace GoForge.Core.Reconciliation;

internal static partial class ReconcilerLog
{
    [LoggerMessage(EventId = 3300, Level = LogLevel.Information, Message = "Reconciler: {Action} {Target}: {Detail}")]
    public static partial void Acted(this ILogger logger, string action, string target, string detail);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Reconciler: an action on {Target} failed; the next pass tries again: {Reason}")]
    public static partial void ActionFailed(this ILogger logger, string target, string reason);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Information, Message = "Reconciler pass: {Seen} GoForge containers, {Ours} ours, {Actions} actions, {Skipped} skipped, {Milliseconds:0} ms")]
    public static partial void Passed(this ILogger logger, int seen, int ours, int actions, int skipped, double milliseconds);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Error, Message = "The reconciler pass failed; the next one tries again")]
    public static partial void PassFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3304, Level = LogLevel.Information, Message = "Reconciler: {Target} left alone: {Reason}")]
    public static partial void LeftAlone(this ILogger logger, string target, string reason);
}
