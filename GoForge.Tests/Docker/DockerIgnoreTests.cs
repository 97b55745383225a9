using GoForge.Infrastructure.Docker;

namespace GoForge.Tests.Docker;

public sealed class DockerIgnoreTests
{
    [Theory]
    [InlineData("secret.txt", "secret.txt", true)]
    [InlineData("secret.txt", "sub/secret.txt", false)]
    [InlineData("/secret.txt", "secret.txt", true)]
    [InlineData("node_modules/", "node_modules/a/b.js", true)]
    [InlineData("*.log", "a.log", true)]
    [InlineData("*.log", "sub/a.log", false)]
    [InlineData("**/*.log", "sub/deep/a.log", true)]
    [InlineData("**/*.log", "a.log", true)]
    [InlineData("file?.txt", "file1.txt", true)]
    [InlineData("file?.txt", "file12.txt", false)]
    [InlineData("docs/**", "docs/a/b.md", true)]
    [InlineData("# comment", "# comment", false)]
    [InlineData("", "anything", false)]
    public void Pattern_matches_like_docker(string pattern, string path, bool excluded) =>
        Assert.Equal(excluded, DockerIgnore.Parse(pattern).IsExcluded(path));

    [Fact]
    public void Exception_after_exclusion_brings_a_file_back_and_last_match_wins()
    {
        var ignore = DockerIgnore.Parse("*.md\n!README.md\n\n# notes\nNOTES.md\n");

        Assert.True(ignore.IsExcluded("CHANGES.md"));
        Assert.False(ignore.IsExcluded("README.md"));
        Assert.True(ignore.IsExcluded("NOTES.md"));
        Assert.True(ignore.HasExceptions);
    }

    [Fact]
    public void Git_folder_is_always_excluded_even_when_the_file_says_otherwise()
    {
        var ignore = DockerIgnore.Parse("!.git");

        Assert.True(ignore.IsExcluded(".git"));
        Assert.True(ignore.IsExcluded(".git/config"));
        Assert.False(ignore.IsExcluded(".gitignore"));
    }
}
