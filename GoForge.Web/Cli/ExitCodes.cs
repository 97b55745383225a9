using GoForge.Core.Common;

namespace GoForge.Web.Cli;

/// <summary>What a command-line run ends with; docs/cli.md lists them for scripts.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>It did not work: a failed deployment, a refused restore, an unreachable database, a conflict.</summary>
    public const int Failed = 1;

    /// <summary>The command line or a value on it is wrong (unknown verb, missing option, a password too short).</summary>
    public const int Usage = 2;

    public const int NotFound = 3;

    /// <summary><c>deploy --wait</c> gave up before the deployment settled.</summary>
    public const int TimedOut = 4;

    /// <summary>A remote GoForge refused the token (missing, expired, revoked, or without the scope).</summary>
    public const int NotAllowed = 5;

    public static int For(Error error) => error.Kind switch
    {
        ErrorKind.Validation => Usage,
        ErrorKind.NotFound => NotFound,
        ErrorKind.Forbidden or ErrorKind.Unauthorized => NotAllowed,
        ErrorKind.Conflict or ErrorKind.TooManyRequests => Failed,
        _ => Failed,
    };
}
