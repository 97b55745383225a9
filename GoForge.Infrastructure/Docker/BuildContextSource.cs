using GoForge.Core.Containers;
using GoForge.Infrastructure.Deployments;
using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Docker;

/// <summary>
/// A build's checked inputs and its context tar, made once for either builder: the repository boundary
/// (<see cref="BuildInputs"/>) holds before anything is archived, and failures become <see cref="EngineException"/>s
/// whose text names the build's own paths, never a host file.
/// </summary>
internal static class BuildContextSource
{
    /// <summary>
    /// Resolves and archives <paramref name="request"/>'s context. <paramref name="rewriteDockerfile"/>, when given,
    /// turns the Dockerfile's text into the text sent in its place; <paramref name="forCli"/> makes a tar the docker CLI
    /// recognizes on its standard input.
    /// </summary>
    public static async Task<(BuildInputs Inputs, FileStream Archive)> CreateAsync(ImageBuildRequest request, BuildContextOptions limits,
        ILogger logger, Func<string, string>? rewriteDockerfile, CancellationToken ct, bool forCli = false)
    {
        try
        {
            var inputs = await BuildInputs.ResolveAsync(request, limits, ct);
            logger.ImageBuilding(request.Tag, inputs.Dockerfile);
            byte[]? dockerfile = null;
            if (rewriteDockerfile is not null)
            {
                var text = await File.ReadAllTextAsync(Path.Combine(inputs.Context, inputs.Dockerfile), ct);
                dockerfile = System.Text.Encoding.UTF8.GetBytes(rewriteDockerfile(text));
            }

            return (inputs, await BuildContextArchive.CreateAsync(inputs, limits.MaxContextBytes, ct, dockerfile, forCli));
        }
        catch (EngineException e)
        {
            logger.ImageBuildFailed(request.Tag, e.Message);
            throw;
        }
        catch (IOException e) when (DiskFull.Is(e))
        {
            // The context's tar goes to the panel's temporary folder, not the work folder: say which disk is full.
            logger.ImageBuildFailed(request.Tag, e.Message);
            throw new EngineException(
                "no space left on the disk of the panel's temporary folder (TMPDIR) for the build context's archive. Free space there, or point TMPDIR at a larger disk.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file that cannot be read: the message names the build's own path, nothing outside the repository.
            logger.ImageBuildFailed(request.Tag, e.Message);
            throw new EngineException("The build context could not be read: " + e.Message, e);
        }
    }
}
