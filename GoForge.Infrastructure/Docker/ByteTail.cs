using System.Text;

namespace GoForge.Infrastructure.Docker;

/// <summary>The last <c>capacity</c> bytes written to it: a program's error output kept as a tail, never whole.</summary>
internal sealed class ByteTail(int capacity)
{
    private readonly byte[] _ring = new byte[capacity];
    private long _written;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= _ring.Length)
        {
            bytes[^_ring.Length..].CopyTo(_ring);
            _written += bytes.Length;
            // Realign so the ring's start is where the next write goes.
            var start = (int)(_written % _ring.Length);
            if (start != 0)
            {
                _ring.AsSpan().Reverse();
                _ring.AsSpan(0, start).Reverse();
                _ring.AsSpan(start).Reverse();
            }

            return;
        }

        var at = (int)(_written % _ring.Length);
        var first = Math.Min(bytes.Length, _ring.Length - at);
        bytes[..first].CopyTo(_ring.AsSpan(at));
        bytes[first..].CopyTo(_ring);
        _written += bytes.Length;
    }

    /// <summary>The tail as UTF-8 text (a character cut at the tail's start becomes a replacement character).</summary>
    public override string ToString()
    {
        if (_written <= _ring.Length)
        {
            return Encoding.UTF8.GetString(_ring, 0, (int)_written);
        }

        var at = (int)(_written % _ring.Length);
        var ordered = new byte[_ring.Length];
        _ring.AsSpan(at).CopyTo(ordered);
        _ring.AsSpan(0, at).CopyTo(ordered.AsSpan(_ring.Length - at));
        return Encoding.UTF8.GetString(ordered);
    }
}
