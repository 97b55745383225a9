using GoForge.Core.Common;
using GoForge.Core.Identity;

namespace GoForge.Tests.Identity;

public sealed class UserInputRulesTests
{
    [Theory]
    [InlineData("alice")]
    [InlineData("Alice.Smith")]
    [InlineData("ops_team-2")]
    [InlineData("a1b")]
    public void Reasonable_logins_are_accepted(string login)
    {
        var errors = new FieldErrors();
        UserInputRules.ValidateLogin(login, errors);
        Assert.True(errors.IsEmpty);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("-rf")]
    [InlineData("--help")]
    [InlineData("alice;rm -rf /")]
    [InlineData("$(whoami)")]
    [InlineData("`id`")]
    [InlineData("../etc/passwd")]
    [InlineData("..")]
    [InlineData("a b")]
    [InlineData("alice.")]
    [InlineData("ålice")]
    [InlineData("аdmin")] // Cyrillic а: looks like "admin"
    [InlineData("admin\u0000")]
    public void Hostile_or_malformed_logins_are_refused(string login)
    {
        var errors = new FieldErrors();
        UserInputRules.ValidateLogin(login, errors);
        Assert.False(errors.IsEmpty);
    }

    [Fact]
    public void Oversized_login_is_refused()
    {
        var errors = new FieldErrors();
        UserInputRules.ValidateLogin(new string('a', 65), errors);
        Assert.False(errors.IsEmpty);
    }

    [Theory]
    [InlineData("Zoë Ünïcode")]
    [InlineData("渡辺 健")]
    [InlineData("O'Brien; DROP TABLE users")]
    public void Display_names_allow_unicode_and_punctuation(string name)
    {
        var errors = new FieldErrors();
        UserInputRules.ValidateDisplayName(name, errors);
        Assert.True(errors.IsEmpty);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("evil\u202Egnp.exe")]
    [InlineData("line\nbreak")]
    public void Display_names_refuse_blank_control_and_direction_characters(string name)
    {
        var errors = new FieldErrors();
        UserInputRules.ValidateDisplayName(name, errors);
        Assert.False(errors.IsEmpty);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("            ")]
    [InlineData(null)]
    public void Weak_or_missing_passwords_are_refused(string? password)
    {
        var errors = new FieldErrors();
        UserInputRules.ValidateNewPassword(password, errors);
        Assert.False(errors.IsEmpty);
    }

    [Fact]
    public void Password_longer_than_the_cap_is_refused()
    {
        var errors = new FieldErrors();
        UserInputRules.ValidateNewPassword(new string('x', UserInputRules.PasswordMaxLength + 1), errors);
        Assert.False(errors.IsEmpty);
    }
}
