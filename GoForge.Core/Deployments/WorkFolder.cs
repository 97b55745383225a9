namespace GoForge.Core.Deployments;

/// <summary>
/// A deployment's clone folder under <see cref="DeploymentOptions.WorkDirectory"/>, named for the deployment: removed
/// by the runner when its run ends, and by the worker's recovery when a killed run left it.
/// </summary>
internal static class WorkFolder
{
    public static string Of(DeploymentOptions options, Guid deploymentId) => Path.Combine(options.WorkDirectory, deploymentId.ToString("N"));

    /// <summary>Removes the folder when it is there: true if removed. A folder that cannot be removed is left, and <paramref name="failure"/> says why; nothing is thrown.</summary>
    public static bool TryDelete(string path, out string? failure)
    {
        failure = null;
        try
        {
            if (!Directory.Exists(path))
            {
                return false;
            }

            Directory.Delete(path, recursive: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failure = e.Message;
            return false;
        }
    }
}
