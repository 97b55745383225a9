using GoForge.Core.Common;

namespace GoForge.Web.Auth;

internal static partial class GitHubSignInLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Warning, Message = "GitHub sign-in refused by the OAuth handler: {Reason}")]
    public static partial void RefusedByHandler(ILogger logger, string reason);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "GitHub sign-in of GitHub id {GitHubId} refused ({Kind})")]
    public static partial void Refused(ILogger logger, long gitHubId, ErrorKind kind);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "GitHub sign-in of GitHub id {GitHubId} as user {UserId}")]
    public static partial void SignedIn(ILogger logger, long gitHubId, Guid userId);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "GitHub id {GitHubId} linked to user {UserId}")]
    public static partial void Linked(ILogger logger, long gitHubId, Guid userId);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "Linking GitHub id {GitHubId} to user {UserId} refused ({Kind})")]
    public static partial void LinkRefused(ILogger logger, long gitHubId, Guid userId, ErrorKind kind);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "Linking GitHub id {GitHubId} refused: the session that finished it is not the one that started it")]
    public static partial void LinkSessionChanged(ILogger logger, long gitHubId);
}
