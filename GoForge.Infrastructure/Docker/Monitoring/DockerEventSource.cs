using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Core.Monitoring;
using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Docker.Monitoring;

/// <summary>
/// The engine's events stream (<c>GET /events</c>) for containers, images and networks. Docker.DotNet reports each
/// event through a callback; a bounded channel hands them on. Events are never dropped: a consumer that falls
/// <see cref="Backlog"/> events behind ends the stream with <see cref="EngineException"/>, which its
/// caller answers as for any broken stream, by reconnecting and resynchronising. When the engine goes away the
/// sequence ends or throws <see cref="EngineException"/>; reconnecting is the caller's decision.
/// </summary>
public sealed class DockerEventSource(DockerClientProvider docker, ILogger<DockerEventSource> logger) : IEngineEventSource
{
    internal const int Backlog = 1024;
    private static readonly string[] Types = ["container", "image", "network"];

    public async IAsyncEnumerable<EngineEvent> StreamAsync(DateTimeOffset? since, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var parameters = new ContainerEventsParameters
        {
            Since = since is { } from ? EngineTime.ToUnixQuery(from) : null,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["type"] = Types.ToDictionary(t => t, _ => true),
            },
        };
        var channel = Channel.CreateBounded<EngineEvent>(new BoundedChannelOptions(Backlog)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });
        using var request = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pump = PumpAsync(parameters, channel.Writer, request);
        try
        {
            await foreach (var engineEvent in channel.Reader.ReadAllAsync(ct))
            {
                yield return engineEvent;
            }
        }
        finally
        {
            await request.CancelAsync();
            await pump;
        }
    }

    internal static EngineEvent? Map(Message message)
    {
        if (string.IsNullOrEmpty(message.Type) || string.IsNullOrEmpty(message.Action))
        {
            return null;
        }

        var attributes = message.Actor?.Attributes is { } found
            ? new Dictionary<string, string>(found, StringComparer.Ordinal)
            : new Dictionary<string, string>();
        return new EngineEvent(message.Type, message.Action, message.Actor?.ID ?? string.Empty, attributes, EngineTime.FromUnix(message.TimeNano, message.Time));
    }

    private async Task PumpAsync(ContainerEventsParameters parameters, ChannelWriter<EngineEvent> writer, CancellationTokenSource request)
    {
        var events = new Events(writer, request);
        Exception? failure = null;
        try
        {
            await docker.Client.System.MonitorEventsAsync(parameters, events, request.Token);
        }
        catch (OperationCanceledException) when (request.IsCancellationRequested)
        {
            failure = events.Overflow;
        }
        catch (Exception e)
        {
            // Whatever it is, it must reach the consumer: a pump that died silently would leave it waiting forever.
            failure = DockerErrors.IsEngineFailure(e) ? DockerErrors.ToEngineException(e) : e;
        }

        if (failure is null)
        {
            logger.EventStreamEnded();
        }
        else
        {
            logger.EventStreamFailed(failure.Message);
        }

        writer.TryComplete(failure);
    }

    /// <summary>Called by Docker.DotNet on its reading loop for every event.</summary>
    private sealed class Events(ChannelWriter<EngineEvent> writer, CancellationTokenSource request) : IProgress<Message>
    {
        public EngineException? Overflow { get; private set; }

        public void Report(Message value)
        {
            if (Overflow is not null || Map(value) is not { } engineEvent || writer.TryWrite(engineEvent))
            {
                return;
            }

            Overflow = new EngineException(
                $"The engine's events arrived faster than they were handled ({Backlog} waiting); the stream was closed so that its reader resynchronises.");
            writer.TryComplete(Overflow);
            request.Cancel();
        }
    }
}
