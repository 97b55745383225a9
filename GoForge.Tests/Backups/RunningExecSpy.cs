using Docker.DotNet;

namespace GoForge.Tests.Backups;

/// <summary>
/// An archive destination that, each time it is written to, asks the engine which execs run in the container and
/// records their program and arguments as the engine holds them (what <c>ps</c> and <c>docker inspect</c> show).
/// The engine lists an exec only while it runs, so a backup written here is inspected while its dump tool works.
/// Counts the bytes and discards them.
/// </summary>
internal sealed class RunningExecSpy(IDockerClient docker, string containerId) : Stream
{
    private readonly List<List<string>> _argumentLists = [];
    private long _length;

    public IReadOnlyList<IReadOnlyList<string>> ArgumentLists => _argumentLists;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _length += buffer.Length;
        var container = await docker.Containers.InspectContainerAsync(containerId, cancellationToken);
        foreach (var id in container.ExecIDs ?? [])
        {
            var exec = await docker.Exec.InspectContainerExecAsync(id, cancellationToken);
            if (exec.ProcessConfig is { } process)
            {
                _argumentLists.Add([process.Entrypoint, .. process.Arguments ?? []]);
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
