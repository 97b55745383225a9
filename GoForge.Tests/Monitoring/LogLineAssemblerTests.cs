using System.Text;
using GoForge.Core.Monitoring;
using GoForge.Infrastructure.Docker.Monitoring;
using GoForge.Infrastructure.Monitoring;

namespace GoForge.Tests.Monitoring;

public sealed class LogLineAssemblerTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 7, 42, 46, TimeSpan.Zero);

    [Fact]
    public void Line_split_across_reads_is_kept_until_its_newline()
    {
        var assembler = new LogLineAssembler(LogOutput.Stderr);

        Assert.Empty(assembler.Append(Bytes("2026-12-01T07:42:46.3075312")));
        Assert.Empty(assembler.Append(Bytes("28Z hello ")));
        var lines = assembler.Append(Bytes("world\n2026-12-01T07:42:47Z second\n2026-12-01T07:42:48Z thi"));

        Assert.Equal(["hello world", "second"], lines.Select(l => l.Text));
        Assert.All(lines, l => Assert.Equal(LogOutput.Stderr, l.Stream));
        // Nanoseconds are cut to .NET's 100 ns ticks, not rounded.
        Assert.Equal(At.AddTicks(3075312), lines[0].Time);
        Assert.Equal(At.AddSeconds(1), lines[1].Time);
        Assert.Equal("thi", assembler.Flush()?.Text);
        Assert.Null(assembler.Flush());
    }

    [Fact]
    public void Carriage_return_before_the_newline_is_dropped_and_utf8_split_across_reads_is_whole()
    {
        var assembler = new LogLineAssembler(LogOutput.Stdout);
        var text = Bytes("2026-12-01T07:42:46Z grüße\r\n");
        var split = Array.IndexOf(text, (byte)0xC3) + 1;

        assembler.Append(text.AsSpan(0, split));
        var line = Assert.Single(assembler.Append(text.AsSpan(split)));

        Assert.Equal("grüße", line.Text);
        Assert.Equal(At, line.Time);
    }

    [Fact]
    public void Line_longer_than_16_KB_is_cut_there_and_the_next_line_is_intact()
    {
        var assembler = new LogLineAssembler(LogOutput.Stdout);
        var longText = new string('x', 40_000);

        var lines = assembler.Append(Bytes($"2026-12-01T07:42:46Z {longText}\n2026-12-01T07:42:47Z next\n"));

        Assert.Equal(2, lines.Count);
        Assert.Equal(LogLineAssembler.MaxLineBytes, lines[0].Text.Length);
        Assert.Equal(At, lines[0].Time);
        Assert.Equal("next", lines[1].Text);
    }

    [Fact]
    public void Line_without_a_timestamp_keeps_its_text()
    {
        var assembler = new LogLineAssembler(LogOutput.Stdout);

        var line = Assert.Single(assembler.Append(Bytes("no timestamp here\n")));

        Assert.Equal("no timestamp here", line.Text);
        Assert.Equal(DateTimeOffset.UnixEpoch, line.Time);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
