using System.Security.Cryptography;
using GoForge.Infrastructure.Backups.Storage;

namespace GoForge.Tests.Backups.Storage;

/// <summary>
/// A read-only, non-seekable stream of <paramref name="length"/> pseudo-random bytes (the same for the same seed: a
/// random block of a prime length, repeated) whose length is not known to its reader, like a dump piped from a
/// container. With <paramref name="failAfter"/>, it throws an <see cref="IOException"/> once that many bytes were read.
/// </summary>
internal sealed class PatternStream(long length, int seed = 1, long failAfter = -1) : ReadOnlyStream
{
    private const int BlockBytes = 1_000_003;
    private readonly byte[] _block = Block(seed);
    private long _position;

    /// <summary>The SHA-256 of the bytes a stream of this length and seed gives.</summary>
    public static byte[] Sha256Of(long length, int seed = 1)
    {
        using var stream = new PatternStream(length, seed);
        return SHA256.HashData(stream);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (failAfter >= 0 && _position >= failAfter)
        {
            throw new IOException("The source failed midway (test).");
        }

        var limit = failAfter >= 0 ? Math.Min(length, failAfter) : length;
        var count = (int)Math.Min(buffer.Length, limit - _position);
        if (count <= 0)
        {
            return 0;
        }

        // Small reads at times, like a pipe.
        var offset = (int)(_position % BlockBytes);
        count = Math.Min(Math.Min(count, BlockBytes - offset), 1 + (int)(_position % 1_000_033));
        _block.AsSpan(offset, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    private static byte[] Block(int seed)
    {
        var block = new byte[BlockBytes];
        new Random(seed).NextBytes(block);
        return block;
    }
}
