using GoForge.Core.Projects;

namespace GoForge.Tests.Projects;

public sealed class DotEnvParserTests
{
    [Fact]
    public void Reads_keys_values_comments_quotes_and_export()
    {
        const string text = """
            # database
            DATABASE_URL=postgres://u:p@db:5432/app
            export NODE_ENV=production
            GREETING="hello \"world\"\nsecond line"
            LITERAL='no $expansion \n here'
            SPACED = padded value   # trailing comment
            EMPTY=
            HASH=a#b
            """;

        var result = DotEnvParser.Parse(text);

        Assert.Empty(result.Errors);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["DATABASE_URL"] = "postgres://u:p@db:5432/app",
                ["NODE_ENV"] = "production",
                ["GREETING"] = "hello \"world\"\nsecond line",
                ["LITERAL"] = "no $expansion \\n here",
                ["SPACED"] = "padded value",
                ["EMPTY"] = "",
                ["HASH"] = "a#b",
            },
            result.Entries.ToDictionary(e => e.Key, e => e.Value));
    }

    [Fact]
    public void Later_duplicate_wins()
    {
        var result = DotEnvParser.Parse("A=1\nA=2");

        Assert.Equal("2", Assert.Single(result.Entries).Value);
    }

    [Fact]
    public void Unreadable_lines_are_reported_with_their_numbers()
    {
        var result = DotEnvParser.Parse("GOOD=1\nno equals sign\n=novalue\nQ=\"unterminated\nR='x' trailing");

        Assert.Equal(["GOOD"], result.Entries.Select(e => e.Key));
        Assert.Collection(result.Errors,
            e => Assert.StartsWith("Line 2:", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Line 3:", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Line 4:", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Line 5:", e, StringComparison.Ordinal));
    }

    [Fact]
    public void Huge_paste_is_refused_without_parsing()
    {
        var result = DotEnvParser.Parse(new string('A', DotEnvParser.MaxInputLength + 1));

        Assert.Empty(result.Entries);
        Assert.Single(result.Errors);
    }
}
