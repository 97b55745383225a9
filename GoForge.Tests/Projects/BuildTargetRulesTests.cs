using GoForge.Core.Common;
using GoForge.Core.Projects;

namespace GoForge.Tests.Projects;

/// <summary>The build target is a Dockerfile stage name and nothing a command line could read as more.</summary>
public sealed class BuildTargetRulesTests
{
    [Theory]
    [InlineData("release")]
    [InlineData("build-env")]
    [InlineData("Stage_2.final")]
    [InlineData("0")]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Stage_names_and_empty_are_accepted(string? target)
    {
        var errors = new FieldErrors();

        BuildTargetRules.Validate(target, errors);

        Assert.True(errors.IsEmpty);
    }

    [Theory]
    [InlineData("--output=type=local,dest=/")]
    [InlineData("-release")]
    [InlineData("_release")]
    [InlineData("release stage")]
    [InlineData("release\nother")]
    [InlineData("a;rm -rf /")]
    [InlineData("$(id)")]
    [InlineData("stage/one")]
    [InlineData("stägé")]
    [InlineData("release\u0000")]
    public void Hostile_or_malformed_targets_are_refused(string target)
    {
        var errors = new FieldErrors();

        BuildTargetRules.Validate(target, errors);

        Assert.False(errors.IsEmpty);
    }

    [Fact]
    public void A_name_longer_than_63_characters_is_refused()
    {
        var errors = new FieldErrors();

        BuildTargetRules.Validate(new string('a', 64), errors);
        Assert.False(errors.IsEmpty);

        var fits = new FieldErrors();
        BuildTargetRules.Validate(new string('a', 63), fits);
        Assert.True(fits.IsEmpty);
    }

    [Fact]
    public void Blank_normalizes_to_none_and_a_name_is_trimmed()
    {
        Assert.Null(BuildTargetRules.Normalize("  "));
        Assert.Equal("release", BuildTargetRules.Normalize(" release "));
    }
}
