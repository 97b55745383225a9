namespace GoForge.Web.Operations;

/// <summary>How GoForge writes its own log (section <c>GoForge:Logging</c>).</summary>
public sealed class GoForgeLoggingOptions
{
    public const string SectionName = "GoForge:Logging";

    /// <summary>
    /// True: the console log is one JSON object a line (ASP.NET Core's JSON console formatter, UTC timestamps,
    /// scopes included), for log shippers. False (default): the plain text console.
    /// </summary>
    public bool Json { get; set; }
}
