using GoForge.Core.Auditing;
using GoForge.Core.AuditTrail;

namespace GoForge.Tests.AuditTrail;

/// <summary>The audit log's CSV: RFC 4180 quoting and spreadsheet formula neutralising, cell by cell.</summary>
public sealed class AuditCsvTests
{
    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+SUM(A1)", "'+SUM(A1)")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\r=1", "\"'\r=1\"")]
    [InlineData("=HYPERLINK(\"http://evil\",\"x\")", "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"")]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("x=1", "x=1")]
    [InlineData("", "")]
    public void A_cell_is_neutralised_against_formulas_then_quoted_as_RFC_4180_says(string value, string expected) =>
        Assert.Equal(expected, AuditCsv.Cell(value));

    [Fact]
    public async Task The_export_writes_a_header_and_one_CRLF_ended_row_per_event()
    {
        var entry = new AuditEntry(
            new AuditEvent { Id = 7, OccurredAt = new DateTimeOffset(2026, 12, 7, 16, 30, 0, TimeSpan.Zero), Action = "variables.set", Target = "application:=evil()", Detail = "A, B" },
            "alice", null);
        using var writer = new StringWriter();

        await AuditCsv.WriteAsync(Entries(entry), writer);

        Assert.Equal(
            "id,occurred_at,actor_user_id,actor,action,target,project_id,project,client_address,detail\r\n" +
            "7,2026-12-07T16:30:00.000Z,,alice,variables.set,application:=evil(),,,,\"A, B\"\r\n",
            writer.ToString());
    }

    private static async IAsyncEnumerable<AuditEntry> Entries(params AuditEntry[] entries)
    {
        foreach (var entry in entries)
        {
            await Task.Yield();
            yield return entry;
        }
    }
}
