using System.Buffers;
using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Backups;
using GoForge.Core.Containers;
using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Docker;

/// <summary>
/// <see cref="IContainerExec"/> over the Engine API's exec: the command is the exec's argument list (no shell), the
/// request's environment is the exec's own (where credentials travel), standard input is copied in and then closed,
/// standard output is copied to the caller's stream as it arrives (81,920-byte buffers, never the whole output), and
/// standard error is kept as its last few KiB. The exit code comes from inspecting the exec once its output ends.
/// </summary>
public sealed class DockerContainerExec(DockerClientProvider docker, ILogger<DockerContainerExec> logger) : IContainerExec
{
    private const int BufferSize = 81920;
    private const int ErrorTailBytes = 8 * 1024;
    private const int CapturedTailBytes = 16 * 1024;

    /// <summary>How long the engine may take to report the exec ended after its output closed.</summary>
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ExitPollInterval = TimeSpan.FromMilliseconds(50);

    public async Task<ContainerExecResult> RunAsync(ContainerExecRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Command.Count == 0)
        {
            throw new ArgumentException("An exec needs a program to run.", nameof(request));
        }

        var client = docker.Client;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var created = await client.Exec.CreateContainerExecAsync(request.ContainerId, new ContainerExecCreateParameters
            {
                Cmd = [.. request.Command],
                Env = [.. request.Environment.Select(pair => $"{pair.Key}={pair.Value}")],
                User = request.User ?? string.Empty,
                AttachStdin = request.StandardInput is not null,
                AttachStdout = true,
                AttachStderr = true,
            }, ct);

            var stderr = new ByteTail(ErrorTailBytes);
            var captured = request.StandardOutput is null ? new ByteTail(CapturedTailBytes) : null;
            using (var stream = await client.Exec.StartContainerExecAsync(created.ID, new ContainerExecStartParameters(), ct))
            {
                // The hijacked connection's reads do not all honour a token: closing it ends them.
                await using var cut = ct.Register(stream.Dispose);
                await PumpAsync(stream, request, stderr, captured, ct);
            }

            var exitCode = await ExitCodeAsync(client, created.ID, ct);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            logger.ExecEnded(new ShortId(request.ContainerId), request.Command[0], exitCode, elapsed);
            return new ContainerExecResult(exitCode, stderr.ToString(), captured?.ToString() ?? string.Empty);
        }
        catch (Exception e) when (ct.IsCancellationRequested && e is not OperationCanceledException && (DockerErrors.IsEngineFailure(e) || e is ObjectDisposedException))
        {
            // The attachment was cut by our own cancellation, not by the engine.
            throw new OperationCanceledException(ct);
        }
        catch (Exception e) when (e is not EngineException && DockerErrors.IsEngineFailure(e))
        {
            var failure = DockerErrors.ToEngineException(e);
            logger.ExecFailed(new ShortId(request.ContainerId), request.Command[0], failure.Message);
            throw failure;
        }
    }

    /// <summary>Feeds standard input (then closes it) while demultiplexing the output until the program closes it.</summary>
    private static async Task PumpAsync(MultiplexedStream stream, ContainerExecRequest request, ByteTail stderr, ByteTail? captured, CancellationToken ct)
    {
        using var feeding = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var feed = request.StandardInput is { } input ? FeedAsync(stream, input, feeding.Token) : Task.CompletedTask;
        try
        {
            await DrainAsync(stream, request.StandardOutput, stderr, captured, ct);
        }
        finally
        {
            // A program may end without reading all its input (a tool that failed early): stop feeding it.
            await feeding.CancelAsync();
            try
            {
                await feed;
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // The program stopped reading; its exit code and error output say why.
            }
        }
    }

    private static async Task FeedAsync(MultiplexedStream stream, Stream input, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await input.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0)
            {
                await stream.WriteAsync(buffer, 0, read, ct);
            }

            stream.CloseWrite();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task DrainAsync(MultiplexedStream stream, Stream? stdout, ByteTail stderr, ByteTail? captured, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, BufferSize, ct);
                if (read.EOF)
                {
                    return;
                }

                if (read.Target == MultiplexedStream.TargetStream.StandardError)
                {
                    stderr.Append(buffer.AsSpan(0, read.Count));
                }
                else if (stdout is not null)
                {
                    await stdout.WriteAsync(buffer.AsMemory(0, read.Count), ct);
                }
                else
                {
                    captured?.Append(buffer.AsSpan(0, read.Count));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The output closes as the program ends; the engine records its exit code a moment later.</summary>
    private static async Task<long> ExitCodeAsync(DockerClient client, string execId, CancellationToken ct)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(ExitTimeout);
        try
        {
            while (true)
            {
                var state = await client.Exec.InspectContainerExecAsync(execId, bounded.Token);
                if (!state.Running)
                {
                    return state.ExitCode ?? -1;
                }

                await Task.Delay(ExitPollInterval, bounded.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new EngineException($"The exec's output ended but the engine still reports it running after {ExitTimeout.TotalSeconds:0} s.");
        }
    }
}
