using GoForge.Web.Cli;

namespace GoForge.Tests.Cli;

/// <summary>The command line itself: which arguments serve, usage errors, help for every verb. No database needed.</summary>
public sealed class CliCommandLineTests
{
    private readonly CliRunner _cli = new("Host=127.0.0.1;Port=1;Database=unused;Timeout=1", "/nonexistent/goforge-cli");

    [Theory]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "serve" }, false)]
    [InlineData(new[] { "serve", "--urls", "http://127.0.0.1:5080" }, false)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:5080" }, false)]
    [InlineData(new[] { "--environment=Development", "--contentRoot=/x" }, false)]
    [InlineData(new[] { "urls=http://127.0.0.1:5080" }, false)]
    [InlineData(new[] { "serve", "--help" }, true)]
    [InlineData(new[] { "--help" }, true)]
    [InlineData(new[] { "migrate" }, true)]
    [InlineData(new[] { "user", "list" }, true)]
    [InlineData(new[] { "bogus" }, true)]
    public void Only_verbs_help_and_unknown_words_run_the_cli_everything_else_serves(string[] args, bool isCommand) =>
        Assert.Equal(isCommand, GoForgeCli.IsCommand(args));

    [Fact]
    public void Serve_arguments_drop_only_a_leading_serve()
    {
        Assert.Equal(["--urls", "x"], GoForgeCli.ServeArguments(["serve", "--urls", "x"]));
        Assert.Equal(["--urls", "x"], GoForgeCli.ServeArguments(["--urls", "x"]));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("serve --help")]
    [InlineData("migrate --help")]
    [InlineData("user --help")]
    [InlineData("user create --help")]
    [InlineData("user reset-password --help")]
    [InlineData("user list --help")]
    [InlineData("keys --help")]
    [InlineData("keys generate --help")]
    [InlineData("keys rotate --help")]
    [InlineData("deploy --help")]
    [InlineData("status --help")]
    [InlineData("backup --help")]
    [InlineData("restore -h")]
    public async Task Every_verb_has_help_and_help_touches_nothing(string line)
    {
        var run = await _cli.RunAsync(line.Split(' '));

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("Usage:", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("user")]
    [InlineData("user create --name x")]
    [InlineData("user create --login x --name y --unknown")]
    [InlineData("backup")]
    [InlineData("restore --input")]
    [InlineData("deploy")]
    [InlineData("status --deployment not-a-guid")]
    public async Task Usage_errors_end_with_code_2_and_a_hint(string line)
    {
        var run = await _cli.RunAsync(line.Split(' '));

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--help", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_database_is_a_failure_with_a_message_not_a_stack_trace()
    {
        var run = await _cli.RunAsync("user", "list");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--server", "http://127.0.0.1:1")]
    [InlineData("--server", "ftp://example.com")]
    [InlineData("--server", "https://user:pw@example.com")]
    public async Task Remote_mode_without_a_usable_server_or_token_is_a_usage_error(string option, string value)
    {
        var run = await _cli.RunAsync("deploy", Guid.NewGuid().ToString(), option, value);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
    }

    [Fact]
    public async Task Remote_mode_takes_the_application_by_id_only()
    {
        var run = await _cli.RunAsync("deploy", "shop/production/web", "--server", "http://127.0.0.1:1", "--token", "gf_x");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("by its id", run.Error, StringComparison.Ordinal);
    }
}
