namespace GoForge.Core.Backups.Engines;

/// <summary>
/// A memory stream that refuses to grow past a limit: for outputs an engine must read whole (counts, a role list),
/// so a container that prints without end cannot fill the panel's memory.
/// </summary>
internal sealed class BoundedBuffer(int limit, string what) : MemoryStream
{
    public override void Write(byte[] buffer, int offset, int count)
    {
        Check(count);
        base.Write(buffer, offset, count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Check(buffer.Length);
        base.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Check(count);
        return base.WriteAsync(buffer, offset, count, cancellationToken);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Check(buffer.Length);
        return base.WriteAsync(buffer, cancellationToken);
    }

    public override void WriteByte(byte value)
    {
        Check(1);
        base.WriteByte(value);
    }

    private void Check(int count)
    {
        if (Length + count > limit)
        {
            throw new BackupEngineException($"The output of {what} exceeds {limit / (1024 * 1024)} MiB, more than the engine reads into memory.");
        }
    }
}
