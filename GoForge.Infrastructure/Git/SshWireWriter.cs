using System.Buffers.Binary;
using System.Text;

namespace GoForge.Infrastructure.Git;

/// <summary>
/// The SSH wire encoding (RFC 4251 §5: big-endian uint32, length-prefixed strings) that OpenSSH key blobs and the
/// openssh-key-v1 private key file are made of.
/// </summary>
/// <param name="capacity">
/// Fixed: the buffer never grows, because a grown buffer would leave an unzeroed copy of private material behind.
/// </param>
internal sealed class SshWireWriter(int capacity = 256)
{
    private readonly byte[] _buffer = new byte[capacity];

    public int Length { get; private set; }

    /// <summary>What was written, without a copy.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    public SshWireWriter UInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);
        return this;
    }

    public SshWireWriter String(ReadOnlySpan<byte> value)
    {
        UInt32((uint)value.Length);
        return Raw(value);
    }

    public SshWireWriter String(string value) => String(Encoding.UTF8.GetBytes(value));

    public SshWireWriter Raw(ReadOnlySpan<byte> value)
    {
        value.CopyTo(Reserve(value.Length));
        return this;
    }

    public byte[] ToArray() => Written.ToArray();

    /// <summary>Overwrites what was written: private key material must not linger on the heap.</summary>
    public void Clear()
    {
        Array.Clear(_buffer);
        Length = 0;
    }

    private Span<byte> Reserve(int count)
    {
        if (Length + count > _buffer.Length)
        {
            throw new InvalidOperationException($"The SSH wire buffer holds {_buffer.Length} bytes; {Length + count} were needed.");
        }

        var span = _buffer.AsSpan(Length, count);
        Length += count;
        return span;
    }
}
