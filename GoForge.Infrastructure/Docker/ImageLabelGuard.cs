using Docker.DotNet;
using GoForge.Core.Containers;
using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Docker;

/// <summary>
/// Refuses, before a container is created, an image whose labels the container would inherit into a namespace GoForge or
/// a proxy reads (<see cref="ReservedImageLabels"/>). Every container GoForge creates, an application's (built or rolled
/// back to) or a service's (pulled), passes here.
/// </summary>
internal static class ImageLabelGuard
{
    public static async Task EnsureAllowedAsync(DockerClient client, ContainerSpec spec, ILogger logger, CancellationToken ct)
    {
        IDictionary<string, string>? labels;
        try
        {
            labels = (await client.Images.InspectImageAsync(spec.Image, ct)).Config?.Labels;
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            // No such image: the create that follows fails with the engine's own message.
            return;
        }
        catch (DockerApiException e)
        {
            throw new EngineException(e.EngineMessage(), e);
        }

        var refused = ReservedImageLabels.FindRefused(labels?.AsReadOnly(), spec.Labels);
        if (refused is not null)
        {
            logger.ImageLabelRefused(spec.Image, refused);
            throw new EngineException(ReservedImageLabels.Message(refused));
        }
    }
}
