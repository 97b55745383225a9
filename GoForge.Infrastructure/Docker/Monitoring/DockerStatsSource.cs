using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Monitoring;
using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Docker.Monitoring;

/// <summary>
/// The engine's streaming stats endpoint (<c>GET /containers/{id}/stats?stream=1</c>, about one reading a second).
/// Docker.DotNet reports readings through a callback; a small channel hands them to the consumer, dropping the oldest
/// when the consumer lags, since a chart wants the latest reading, not a backlog.
/// </summary>
public sealed class DockerStatsSource(DockerClientProvider docker, ILogger<DockerStatsSource> logger) : IContainerStatsSource
{
    private const int Buffered = 4;

    public async IAsyncEnumerable<RawContainerStats> StreamAsync(string containerId, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        var channel = Channel.CreateBounded<RawContainerStats>(new BoundedChannelOptions(Buffered)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        });
        using var request = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pump = PumpAsync(containerId, channel.Writer, request);
        try
        {
            await foreach (var stats in channel.Reader.ReadAllAsync(ct))
            {
                yield return stats;
            }
        }
        finally
        {
            // Reached on the end, on a failure, on cancellation and when the consumer stops early: the HTTP stream is
            // closed in every case. The pump never throws; its outcome is the channel's completion.
            await request.CancelAsync();
            await pump;
        }
    }

    private async Task PumpAsync(string containerId, ChannelWriter<RawContainerStats> writer, CancellationTokenSource request)
    {
        var progress = new Readings(writer, request);
        Exception? failure = null;
        var reason = "the engine closed the stream";
        try
        {
            await docker.Client.Containers.GetContainerStatsAsync(containerId, new ContainerStatsParameters { Stream = true }, progress, request.Token);
        }
        catch (OperationCanceledException) when (request.IsCancellationRequested)
        {
            reason = progress.Stopped ? "the container is not running" : "canceled";
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            reason = "the container no longer exists";
        }
        catch (Exception e)
        {
            // Whatever it is, it must reach the consumer: a pump that died silently would leave it waiting forever.
            failure = DockerErrors.IsEngineFailure(e) ? DockerErrors.ToEngineException(e) : e;
            logger.StatsStreamFailed(containerId, failure.Message);
        }

        if (failure is null)
        {
            logger.StatsStreamEnded(containerId, progress.Stopped ? "the container is not running" : reason);
        }

        writer.TryComplete(failure);
    }

    /// <summary>Called by Docker.DotNet on its reading loop for every JSON object of the stream.</summary>
    private sealed class Readings(ChannelWriter<RawContainerStats> writer, CancellationTokenSource request) : IProgress<ContainerStatsResponse>
    {
        private volatile bool _stopped;

        public bool Stopped => _stopped;

        public void Report(ContainerStatsResponse value)
        {
            if (_stopped)
            {
                return;
            }

            if (!StatsMapping.IsLive(value))
            {
                // The container stopped: the engine would send empty readings until it is removed.
                _stopped = true;
                writer.TryComplete();
                request.Cancel();
                return;
            }

            writer.TryWrite(StatsMapping.Map(value));
        }
    }
}
