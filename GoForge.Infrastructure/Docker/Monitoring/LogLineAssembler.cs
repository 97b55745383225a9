using System.Text;
using GoForge.Core.Monitoring;

namespace GoForge.Infrastructure.Docker.Monitoring;

/// <summary>
/// Turns one stream's bytes (stdout or stderr, already demultiplexed) into lines. A read can end mid-line, so the
/// partial line is kept until its newline; a line longer than <see cref="MaxLineBytes"/> is cut there and the rest
/// of it dropped, so one runaway writer cannot grow the buffer without bound. Each line starts with the engine's
/// RFC 3339 timestamp and a space (the logs endpoint with <c>timestamps=1</c>).
/// </summary>
internal sealed class LogLineAssembler(LogOutput stream)
{
    /// <summary>The longest line text kept, in bytes.</summary>
    public const int MaxLineBytes = 16 * 1024;

    // "2006-01-02T15:04:05.999999999Z07:00 " is 36 characters.
    private const int TimestampRoom = 40;
    private const int Capacity = MaxLineBytes + TimestampRoom;

    private readonly byte[] _line = new byte[Capacity];
    private int _length;
    private bool _overflowed;

    /// <summary>Adds bytes and returns the lines they completed.</summary>
    public IReadOnlyList<ContainerLogLine> Append(ReadOnlySpan<byte> bytes)
    {
        List<ContainerLogLine>? lines = null;
        while (!bytes.IsEmpty)
        {
            var newline = bytes.IndexOf((byte)'\n');
            var chunk = newline < 0 ? bytes : bytes[..newline];
            Keep(chunk);
            if (newline < 0)
            {
                break;
            }

            (lines ??= []).Add(TakeLine());
            bytes = bytes[(newline + 1)..];
        }

        return lines is null ? [] : lines;
    }

    /// <summary>The last line when the stream ended without a newline; null when nothing is pending.</summary>
    public ContainerLogLine? Flush() => _length > 0 || _overflowed ? TakeLine() : null;

    private void Keep(ReadOnlySpan<byte> chunk)
    {
        var room = Capacity - _length;
        if (chunk.Length > room)
        {
            _overflowed = true;
            chunk = chunk[..room];
        }

        chunk.CopyTo(_line.AsSpan(_length));
        _length += chunk.Length;
    }

    private ContainerLogLine TakeLine()
    {
        var raw = _line.AsSpan(0, _length);
        if (!raw.IsEmpty && raw[^1] == (byte)'\r')
        {
            raw = raw[..^1];
        }

        var time = DateTimeOffset.UnixEpoch;
        var space = raw.IndexOf((byte)' ');
        if (space > 0 && space <= TimestampRoom && TryParseTime(raw[..space], out var parsed))
        {
            time = parsed;
            raw = raw[(space + 1)..];
        }

        if (raw.Length > MaxLineBytes)
        {
            raw = raw[..MaxLineBytes];
        }

        // A cut can split a multi-byte character; the decoder turns the stray bytes into U+FFFD.
        var text = Encoding.UTF8.GetString(raw);
        _length = 0;
        _overflowed = false;
        return new ContainerLogLine(time, stream, text);
    }

    private static bool TryParseTime(ReadOnlySpan<byte> ascii, out DateTimeOffset time)
    {
        Span<char> chars = stackalloc char[ascii.Length];
        for (var i = 0; i < ascii.Length; i++)
        {
            chars[i] = (char)ascii[i];
        }

        return EngineTime.TryParseRfc3339(chars, out time);
    }
}
