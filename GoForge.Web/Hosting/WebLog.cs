namespace GoForge.Web.Hosting;

internal static partial class WebLog
{
    // The one log line that carries a secret on purpose: the setup token is single-use and dies once an admin exists.
    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "No administrator exists yet. Open this one-time link to create one: {SetupUrl}")]
    public static partial void SetupLink(ILogger logger, string setupUrl);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Database is up to date ({Applied} script(s) applied now)")]
    public static partial void DatabaseReady(ILogger logger, int applied);
}
