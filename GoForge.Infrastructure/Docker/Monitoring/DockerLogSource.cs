using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Monitoring;
using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Docker.Monitoring;

/// <summary>
/// The engine's log endpoint (<c>GET /containers/{id}/logs</c> with timestamps, stdout and stderr), demultiplexed
/// and split into lines. With follow the engine keeps the stream open until the container stops.
/// </summary>
public sealed class DockerLogSource(DockerClientProvider docker, ILogger<DockerLogSource> logger) : IContainerLogSource
{
    private const int ReadBufferBytes = 16 * 1024;

    public async IAsyncEnumerable<ContainerLogLine> ReadAsync(
        string containerId,
        int tail,
        DateTimeOffset? since,
        bool follow,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        var parameters = new ContainerLogsParameters
        {
            ShowStdout = true,
            ShowStderr = true,
            Timestamps = true,
            Follow = follow,
            // Lines after a moment are all of them; otherwise the last few, as `docker logs --tail` counts them.
            Tail = since is null ? Math.Max(tail, 0).ToString(CultureInfo.InvariantCulture) : "all",
            Since = since is { } from ? EngineTime.ToUnixQuery(from) : null,
        };

        using var stream = await OpenAsync(containerId, parameters, ct);
        if (stream is null)
        {
            yield break;
        }

        // Cancellation must also end a read the transport does not interrupt on its own.
        await using var closeOnCancel = ct.Register(stream.Dispose);
        var stdout = new LogLineAssembler(LogOutput.Stdout);
        var stderr = new LogLineAssembler(LogOutput.Stderr);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        try
        {
            while (true)
            {
                var (lines, ended) = await ReadLinesAsync(containerId, stream, buffer, stdout, stderr, ct);
                foreach (var line in lines)
                {
                    yield return line;
                }

                if (ended)
                {
                    break;
                }
            }

            foreach (var pending in new[] { stdout.Flush(), stderr.Flush() })
            {
                if (pending is not null)
                {
                    yield return pending;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<MultiplexedStream?> OpenAsync(string containerId, ContainerLogsParameters parameters, CancellationToken ct)
    {
        try
        {
            return await docker.Client.Containers.GetContainerLogsAsync(containerId, parameters, ct);
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            logger.LogStreamEnded(containerId, "the container no longer exists");
            return null;
        }
        catch (Exception e) when (DockerErrors.IsEngineFailure(e))
        {
            var failure = DockerErrors.ToEngineException(e);
            logger.LogStreamFailed(containerId, failure.Message);
            throw failure;
        }
    }

    // Separate from the iterator because a yield cannot sit inside a try with a catch.
    private async Task<(IReadOnlyList<ContainerLogLine> Lines, bool Ended)> ReadLinesAsync(
        string containerId,
        MultiplexedStream stream,
        byte[] buffer,
        LogLineAssembler stdout,
        LogLineAssembler stderr,
        CancellationToken ct)
    {
        MultiplexedStream.ReadResult read;
        try
        {
            read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, ct);
        }
        catch (ObjectDisposedException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
        catch (Exception e) when (ct.IsCancellationRequested && DockerErrors.IsEngineFailure(e))
        {
            // The read was cut by our own cancellation, not by the engine.
            throw new OperationCanceledException(ct);
        }
        catch (Exception e) when (DockerErrors.IsEngineFailure(e))
        {
            var failure = DockerErrors.ToEngineException(e);
            logger.LogStreamFailed(containerId, failure.Message);
            throw failure;
        }

        if (read.EOF)
        {
            logger.LogStreamEnded(containerId, "the engine closed the stream");
            return ([], true);
        }

        var assembler = read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout;
        return (assembler.Append(buffer.AsSpan(0, read.Count)), false);
    }
}
