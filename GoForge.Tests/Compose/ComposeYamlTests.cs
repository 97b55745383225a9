using System.Text;
using GoForge.Core.Compose;
using static GoForge.Tests.Compose.ComposeSamples;

namespace GoForge.Tests.Compose;

/// <summary>
/// The hostile compose suite, YAML: anchors, aliases (the "billion laughs"), tags, merge keys, duplicate keys, deep
/// nesting, several documents and huge files are refused while parsing, with the line where there is one.
/// </summary>
public sealed class ComposeYamlTests
{
    [Fact]
    public void A_billion_laughs_file_is_refused_at_its_first_anchor()
    {
        var yaml = new StringBuilder("x-a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 1; i < 9; i++)
        {
            yaml.Append($"x-{(char)('a' + i)}: &{(char)('a' + i)} [*{(char)('a' + i - 1)},*{(char)('a' + i - 1)},*{(char)('a' + i - 1)},*{(char)('a' + i - 1)},*{(char)('a' + i - 1)},*{(char)('a' + i - 1)},*{(char)('a' + i - 1)},*{(char)('a' + i - 1)},*{(char)('a' + i - 1)}]\n");
        }

        yaml.Append("services:\n  web:\n    image: busybox\n    command: *i\n");

        var message = Refusal(yaml.ToString());

        Assert.Contains("compose.yaml (line 1):", message, StringComparison.Ordinal);
        Assert.Contains("anchor", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x-base: &base\n  image: busybox\nservices:\n  web: *base\n", 1, "anchor")]
    [InlineData("services:\n  web:\n    image: &img busybox\n", 3, "anchor")]
    [InlineData("services:\n  web:\n    <<: *base\n    image: busybox\n", 3, "alias")]
    [InlineData("services:\n  web:\n    image: !!str busybox\n", 3, "tag")]
    [InlineData("services:\n  web:\n    image: !env IMAGE\n", 3, "tag")]
    [InlineData("services:\n  web:\n    image: busybox\n    command: !!python/object/apply:os.system [id]\n", 4, "tag")]
    [InlineData("services: !!map\n  web:\n    image: busybox\n", 1, "tag")]
    [InlineData("services:\n  web:\n    image: busybox\n    image: evil/miner\n", 4, "twice")]
    [InlineData("services:\n  web:\n    image: busybox\n  web:\n    image: evil/miner\n", 4, "twice")]
    [InlineData("services:\n  web:\n    image: busybox\n---\nservices:\n  web:\n    privileged: true\n", 4, "more than one YAML document")]
    [InlineData("services:\n  web:\n    image: busybox\n    [a]: b\n", 4, "not plain text")]
    [InlineData("services:\n  web:\n    image: busybox\n    ? {a: b}\n    : c\n", 4, "not plain text")]
    [InlineData("services:\n  web:\n   image: busybox\n  bad indent\n", 4, "not valid YAML")]
    public void Yaml_a_strict_reader_never_needs_is_refused_with_its_line(string yaml, int line, string reason)
    {
        var message = Refusal(yaml);

        Assert.Contains($"(line {line})", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_merge_key_without_an_alias_is_an_unknown_key()
    {
        var message = Refusal(WebService("<<: {privileged: true}"));

        Assert.Contains("services.web.<< (line 4):", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ComposeNode.MaxDepth + 1)]
    [InlineData(10_000)]
    public void Deep_nesting_is_refused_before_it_is_read(int depth)
    {
        var flow = new string('[', depth) + new string(']', depth);
        var message = Refusal($"services:\n  web:\n    image: busybox\nx-deep: {flow}\n");

        Assert.Contains("nests deeper than", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_at_the_depth_a_compose_file_needs_is_read()
    {
        Valid(WebService("deploy:\n  resources:\n    limits:\n      memory: 64m"));
    }

    [Fact]
    public void A_file_over_the_size_cap_is_refused_before_it_is_parsed()
    {
        var padding = new StringBuilder();
        while (padding.Length <= ComposeNode.MaxFileBytes)
        {
            padding.Append("# padding padding padding padding padding padding padding\n");
        }

        var message = Refusal(WebService() + padding);

        Assert.Contains($"has at most {ComposeNode.MaxFileBytes}", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_value_is_refused_with_its_line()
    {
        var message = Refusal(WebService($"environment:\n  BIG: {new string('x', ComposeReader.MaxValueLength + 1)}"));

        Assert.Contains("services.web.environment.BIG (line 5):", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_that_interpolation_makes_huge_is_refused()
    {
        var big = new string('x', 60_000);
        var message = Refusal(WebService("environment:\n  BIG: \"${A}${A}\""), [Variable("A", big)]);

        Assert.Contains("services.web.environment.BIG (line 5):", message, StringComparison.Ordinal);
        Assert.Contains("longer than", message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_services_than_the_cap_are_refused()
    {
        var yaml = new StringBuilder("services:\n");
        for (var i = 0; i <= ComposeReader.MaxServices; i++)
        {
            yaml.Append($"  s{i}:\n    image: busybox\n");
        }

        Assert.Contains("services (line 2):", Refusal(yaml.ToString()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("# only a comment\n", "empty")]
    [InlineData("- a\n- b\n", "one mapping")]
    [InlineData("services: []\n", "mapping of service names")]
    [InlineData("services: {}\n", "holds no service")]
    [InlineData("name: shop\n", "is missing")]
    [InlineData("services:\n  web:\n    restart: always\n", "neither 'image' nor 'build'")]
    public void A_file_without_services_is_refused(string yaml, string reason)
    {
        Assert.Contains(reason, Refusal(yaml), StringComparison.Ordinal);
    }

    [Fact]
    public void Nul_and_control_characters_in_values_are_refused()
    {
        var message = Refusal(WebService("environment:\n  A: \"x\\0y\""));

        Assert.Contains("services.web.environment.A (line 5):", message, StringComparison.Ordinal);
    }
}
