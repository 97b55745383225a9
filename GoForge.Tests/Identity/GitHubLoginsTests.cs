using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Identity.GitHub;

namespace GoForge.Tests.Identity;

public sealed class GitHubLoginsTests
{
    [Theory]
    [InlineData("octocat", "octocat")]
    [InlineData("Octo-Cat", "octo-cat")]
    [InlineData("ab", "ab-gh")]
    [InlineData("x", "x-gh")]
    [InlineData("-dash-", "dash")]
    [InlineData("日本語", "github-user")]
    [InlineData("", "github-user")]
    [InlineData("a;rm -rf /", "arm-rf")]
    public void The_first_candidate_is_the_GitHub_login_made_valid(string gitHubLogin, string expected) =>
        Assert.Equal(expected, GitHubLogins.Candidates(gitHubLogin, 42)[0]);

    [Fact]
    public void Candidates_go_octocat_then_numbered_then_the_GitHub_id_and_all_are_valid_logins()
    {
        var candidates = GitHubLogins.Candidates("octocat", 583231);

        Assert.Equal(["octocat", "octocat-2", "octocat-3"], candidates.Take(3));
        Assert.Equal("octocat-583231", candidates[^1]);
        Assert.Equal(2 + GitHubLogins.NumberedCandidates, candidates.Count);
        Assert.All(candidates, AssertValidLogin);
    }

    [Fact]
    public void A_login_at_the_length_limit_is_shortened_to_fit_its_suffix()
    {
        var candidates = GitHubLogins.Candidates(new string('a', 100), long.MaxValue);

        Assert.All(candidates, c => Assert.InRange(c.Length, UserInputRules.LoginMinLength, UserInputRules.LoginMaxLength));
        Assert.All(candidates, AssertValidLogin);
        Assert.EndsWith($"-{long.MaxValue}", candidates[^1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("The Octocat", "octocat", "The Octocat")]
    [InlineData(null, "octocat", "octocat")]
    [InlineData("   ", "octocat", "octocat")]
    [InlineData("Evil\u202Eeman", "octocat", "Evileman")]
    [InlineData("Line\nbreak", "octocat", "Linebreak")]
    public void Display_name_is_the_GitHub_name_cleaned_or_else_the_login(string? name, string login, string expected) =>
        Assert.Equal(expected, GitHubLogins.DisplayName(name, login));

    [Fact]
    public void A_long_GitHub_name_is_cut_to_the_display_name_limit()
    {
        var name = GitHubLogins.DisplayName(new string('n', 300), "octocat");

        Assert.Equal(UserInputRules.DisplayNameMaxLength, name.Length);
    }

    private static void AssertValidLogin(string login)
    {
        var errors = new FieldErrors();
        UserInputRules.ValidateLogin(login, errors);
        Assert.True(errors.IsEmpty, login);
    }
}
