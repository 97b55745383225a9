namespace GoForge.Infrastructure.Deployments;

/// <summary>
/// Tells a full disk (ENOSPC) among the failures of a clone or a build, so the deployment's reason says so instead of
/// a tool's wording. .NET puts the errno in an <see cref="IOException"/>'s HResult; libgit2 only has its message,
/// which ends with the C library's text for the errno.
/// </summary>
internal static class DiskFull
{
    private const int NoSpaceErrno = 28; // ENOSPC on Linux
    private const int QuotaErrno = 122; // EDQUOT: a quota is a full disk to whoever hits it

    /// <summary>The reason a deployment fails with when its clone filled the work folder's disk.</summary>
    public const string WorkFolderReason =
        "no space left on the work folder's disk (GoForge:Deployments:WorkDirectory): the repository did not fit. "
        + "Free space there, or move the work folder to a larger disk.";

    public static bool Is(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is IOException { HResult: NoSpaceErrno or QuotaErrno }
                || e.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
                || e.Message.Contains("Disk quota exceeded", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
