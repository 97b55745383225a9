using System.Globalization;

namespace GoForge.Infrastructure.Docker.Monitoring;

/// <summary>The engine's ways of writing a moment: RFC 3339 with nanoseconds, Go's zero time, Unix seconds or nanoseconds.</summary>
internal static class EngineTime
{
    private const string Rfc3339 = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK";
    private const int DotNetFractionDigits = 7;

    /// <summary>
    /// Parses <c>2026-12-01T07:42:46.307531228Z</c> (Go's RFC3339Nano). .NET keeps 100 ns ticks, so digits beyond the
    /// seventh are cut off rather than rounded: times never move forward past the next line's.
    /// </summary>
    public static bool TryParseRfc3339(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length < 20 || text.Length > 40)
        {
            return false;
        }

        Span<char> trimmed = stackalloc char[text.Length];
        var dot = text.IndexOf('.');
        int length;
        if (dot < 0)
        {
            text.CopyTo(trimmed);
            length = text.Length;
        }
        else
        {
            var digits = 0;
            while (dot + 1 + digits < text.Length && char.IsAsciiDigit(text[dot + 1 + digits]))
            {
                digits++;
            }

            var kept = Math.Min(digits, DotNetFractionDigits);
            text[..(dot + 1 + kept)].CopyTo(trimmed);
            var zone = text[(dot + 1 + digits)..];
            zone.CopyTo(trimmed[(dot + 1 + kept)..]);
            length = dot + 1 + kept + zone.Length;
        }

        return DateTimeOffset.TryParseExact(
            trimmed[..length],
            Rfc3339,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out value);
    }

    /// <summary>A container's StartedAt/FinishedAt: null when absent or Go's zero time (<c>0001-01-01T00:00:00Z</c>, never happened).</summary>
    public static DateTimeOffset? ParseOptional(string? text) =>
        !string.IsNullOrEmpty(text) && TryParseRfc3339(text, out var value) && value.Year > 1 ? value : null;

    /// <summary>A Docker.DotNet <see cref="DateTime"/> (UTC, or unspecified meaning UTC) as an offset.</summary>
    public static DateTimeOffset FromUtc(DateTime value) =>
        new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    /// <summary>An event's time: nanoseconds since the epoch when the engine gave them, else seconds.</summary>
    public static DateTimeOffset FromUnix(long? nanoseconds, long? seconds)
    {
        if (nanoseconds is { } ns and > 0)
        {
            return DateTimeOffset.UnixEpoch.AddTicks(ns / 100);
        }

        return seconds is { } s and > 0 ? DateTimeOffset.FromUnixTimeSeconds(s) : DateTimeOffset.UnixEpoch;
    }

    /// <summary>The <c>since</c> query value the engine takes: Unix seconds with up to nine decimals.</summary>
    public static string ToUnixQuery(DateTimeOffset value)
    {
        var ticks = (value.UtcDateTime - DateTime.UnixEpoch).Ticks;
        if (ticks < 0)
        {
            return "0";
        }

        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var remainder);
        return string.Create(CultureInfo.InvariantCulture, $"{seconds}.{remainder * 100:D9}");
    }
}
