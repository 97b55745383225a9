using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Docker;

/// <summary>
/// Builds images with the engine's build API from a local context directory, once its inputs are checked to stay
/// inside the repository and within <see cref="BuildContextOptions"/> (<see cref="BuildInputs"/>).
/// </summary>
public sealed class DockerImageBuilder(DockerClientProvider docker, ILogger<DockerImageBuilder> logger, IOptions<BuildContextOptions>? limits = null)
    : IImageBuilder
{
    private readonly BuildContextOptions _limits = limits?.Value ?? new BuildContextOptions();

    public async Task<BuiltImage> BuildAsync(ImageBuildRequest request, IProgress<string> log, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(log);
        var (inputs, context) = await BuildContextSource.CreateAsync(request, _limits, logger, rewriteDockerfile: null, ct);
        await using var archive = context;
        var dockerfile = inputs.Dockerfile;
        var parameters = new ImageBuildParameters
        {
            Dockerfile = dockerfile,
            Tags = [request.Tag],
            BuildArgs = request.BuildArgs.ToDictionary(),
            Labels = request.Labels.ToDictionary(),
            Remove = true,
            ForceRemove = true,
        };

        var messages = new BuildMessages(log);
        try
        {
            await docker.Client.Images.BuildImageFromDockerfileAsync(parameters, archive, null, null, messages, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            logger.ImageBuildCanceled(request.Tag);
            throw;
        }
        catch (DockerApiException e)
        {
            var error = e.EngineMessage();
            logger.ImageBuildFailed(request.Tag, error);
            throw new EngineException(error, e);
        }

        messages.Flush();
        if (messages.Error is { } buildError)
        {
            logger.ImageBuildFailed(request.Tag, buildError);
            throw new EngineException(buildError);
        }

        ImageInspectResponse image;
        try
        {
            image = await docker.Client.Images.InspectImageAsync(request.Tag, ct);
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            // The stream ended without an error, yet nothing was tagged: the engine hung up mid-build.
            const string Missing = "The build ended without an error, but the image was not tagged.";
            logger.ImageBuildFailed(request.Tag, Missing);
            throw new EngineException(Missing, e);
        }

        logger.ImageBuilt(request.Tag, image.ID);
        return new BuiltImage(image.ID, request.Tag);
    }

    /// <summary>
    /// Turns the engine's JSON messages into log lines, synchronously (a <see cref="Progress{T}"/> would post them after
    /// the build returned). The stream field carries partial lines, so text is split on newlines here.
    /// </summary>
    private sealed class BuildMessages(IProgress<string> log) : IProgress<JSONMessage>
    {
        private readonly Lock _lock = new();
        private string _partial = "";

        public string? Error { get; private set; }

        public void Report(JSONMessage value)
        {
            lock (_lock)
            {
                var error = value.Error?.Message;
                if (!string.IsNullOrEmpty(error))
                {
                    Error ??= error.Trim();
                    FlushLocked();
                    log.Report(error.TrimEnd());
                    return;
                }

                if (string.IsNullOrEmpty(value.Stream))
                {
                    if (!string.IsNullOrEmpty(value.Status))
                    {
                        log.Report(value.Status);
                    }

                    return;
                }

                var text = _partial + value.Stream;
                var lines = text.Split('\n');
                _partial = lines[^1];
                foreach (var line in lines[..^1])
                {
                    log.Report(line.TrimEnd('\r'));
                }
            }
        }

        public void Flush()
        {
            lock (_lock)
            {
                FlushLocked();
            }
        }

        private void FlushLocked()
        {
            if (_partial.Length > 0)
            {
                log.Report(_partial.TrimEnd('\r'));
                _partial = "";
            }
        }
    }
}
