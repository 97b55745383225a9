using GoForge.Core.Catalog;

namespace GoForge.Tests.Catalog;

public sealed class PlaceholderRendererTests
{
    private static readonly Dictionary<string, string> Values = new()
    {
        ["user"] = "u_0123abcd",
        ["password"] = "Secret123",
        ["host"] = "svc-db",
        ["port"] = "5432",
        ["db"] = "app",
    };

    [Fact]
    public void References_are_replaced_by_their_values()
    {
        var rendered = PlaceholderRenderer.Render("postgres://{{user}}:{{password}}@{{host}}:{{port}}/{{db}}", Values);

        Assert.Equal("postgres://u_0123abcd:Secret123@svc-db:5432/app", rendered.Value);
    }

    [Fact]
    public void Text_without_references_is_left_as_it_is()
    {
        Assert.Equal("plain } { text }}", PlaceholderRenderer.Render("plain } { text }}", Values).Value);
    }

    [Theory]
    [InlineData("{{nope}}", "{{nope}} refers to no value")]
    [InlineData("{{Password}}", "is not a reference")]
    [InlineData("x {{user", "opens no reference")]
    [InlineData("{{password:100000}}", "out of bounds")]
    [InlineData("{{hex}}", "needs a size")]
    [InlineData("{{domain}}", "{{domain}} refers to no value")]
    public void An_unknown_or_malformed_reference_is_refused_not_left_in_place(string template, string reason)
    {
        var rendered = PlaceholderRenderer.Render(template, Values, "environment.X");

        Assert.False(rendered.IsSuccess);
        Assert.Equal(["environment.X"], rendered.Error.FieldErrors.Keys);
        Assert.Contains(reason, rendered.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inline_generators_make_values_of_the_requested_length_and_alphabet()
    {
        var rendered = PlaceholderRenderer.Render("{{password:32}}|{{hex:64}}|{{username}}", Values).Value!.Split('|');

        Assert.Matches("^[A-Za-z0-9]{32}$", rendered[0]);
        Assert.Matches("^[0-9a-f]{64}$", rendered[1]);
        Assert.Matches("^u_[0-9a-f]{8}$", rendered[2]);
    }

    [Fact]
    public void Each_generator_occurrence_gets_its_own_value()
    {
        var rendered = PlaceholderRenderer.Render("{{password:32}} {{password:32}}", Values).Value!.Split(' ');

        Assert.NotEqual(rendered[0], rendered[1]);
    }

    [Fact]
    public void A_value_holding_braces_is_inserted_as_is_and_not_rendered_again()
    {
        var values = new Dictionary<string, string>(Values) { ["db"] = "{{password}}" };

        Assert.Equal("{{password}}", PlaceholderRenderer.Render("{{db}}", values).Value);
    }

    [Fact]
    public void FindAll_lists_references_in_order()
    {
        var problems = new List<string>();

        var found = Placeholder.FindAll("{{a}}-{{hex:16}}-{{username}}", problems);

        Assert.Empty(problems);
        Assert.Equal([new Placeholder("a", null), new Placeholder("hex", 16), new Placeholder("username", null)], found);
        Assert.Equal([null, GeneratorKind.Hex, GeneratorKind.Username], found.Select(p => p.Generator));
    }
}
