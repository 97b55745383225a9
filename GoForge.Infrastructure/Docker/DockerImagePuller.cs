using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Containers;
using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Docker;

/// <summary>Pulls the images services run (present ones are used as they are), over the one cached client.</summary>
public sealed class DockerImagePuller(DockerClientProvider docker, ILogger<DockerImagePuller> logger) : IImagePuller
{
    public async Task EnsureImageAsync(string image, IProgress<ImagePullProgress>? progress, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(image);
        if (await ImageExistsAsync(image, ct))
        {
            progress?.Report(new ImagePullProgress("Image is present", null, null));
            return;
        }

        var colon = image.LastIndexOf(':');
        var slash = image.LastIndexOf('/');
        var (repository, tag) = colon > slash ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
        var relay = new PullMessages(progress);
        logger.ImagePulling(image);
        try
        {
            await docker.Client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = repository, Tag = tag }, null, relay, ct);
        }
        catch (DockerApiException e)
        {
            throw Unpullable(image, e.EngineMessage(), e);
        }
        catch (HttpRequestException e)
        {
            throw Unpullable(image, e.Message, e);
        }

        // The engine reports a failed pull in the stream, not by status; and a pull may "succeed" without the tag.
        if (relay.Error is not null || !await ImageExistsAsync(image, ct))
        {
            throw Unpullable(image, relay.Error ?? "the engine finished without the image", null);
        }

        logger.ImagePulled(image);
    }

    private async Task<bool> ImageExistsAsync(string image, CancellationToken ct)
    {
        try
        {
            await docker.Client.Images.InspectImageAsync(image, ct);
            return true;
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            return false;
        }
        catch (Exception e) when (DockerErrors.IsUnreachable(e))
        {
            throw DockerErrors.ToEngineException(e);
        }
    }

    private static EngineException Unpullable(string image, string engineError, Exception? inner)
    {
        var message = $"The image {image} is not on this server and could not be pulled (no registry reachable, or no such image): {engineError}";
        return inner is null ? new EngineException(message) : new EngineException(message, inner);
    }
}
