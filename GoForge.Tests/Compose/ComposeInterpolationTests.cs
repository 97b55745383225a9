using GoForge.Core.Compose;
using GoForge.Core.Projects;
using static GoForge.Tests.Compose.ComposeSamples;

namespace GoForge.Tests.Compose;

/// <summary>
/// The hostile compose suite, interpolation: <c>${VAR}</c> and <c>${VAR:-default}</c> from the application's variables,
/// <c>$$</c> for a literal '$', and every other form an error naming the key and the line. A value is text after
/// substitution: it never becomes YAML, a command or a file read.
/// </summary>
public sealed class ComposeInterpolationTests
{
    private static readonly EnvironmentVariable[] Variables = [Variable("TAG", "1.36"), Variable("EMPTY", ""), Variable("GREETING", "hello world")];

    [Theory]
    [InlineData("${TAG}", "1.36")]
    [InlineData("v${TAG}-x", "v1.36-x")]
    [InlineData("${MISSING:-fallback}", "fallback")]
    [InlineData("${EMPTY:-fallback}", "fallback")]
    [InlineData("${TAG:-fallback}", "1.36")]
    [InlineData("${MISSING:-}", "")]
    [InlineData("${MISSING:-a b:c}", "a b:c")]
    [InlineData("$${TAG}", "${TAG}")]
    [InlineData("$$TAG", "$TAG")]
    [InlineData("price: $$5", "price: $5")]
    [InlineData("$$(id)", "$(id)")]
    [InlineData("`id`", "`id`")]
    [InlineData("${TAG}${TAG}", "1.361.36")]
    public void The_supported_forms_substitute(string value, string expected)
    {
        var project = Valid(WebService($"environment:\n  VALUE: \"{value}\""), Variables);

        Assert.Equal(expected, project.Services[0].Environment["VALUE"]);
    }

    [Theory]
    [InlineData("$TAG", "'$NAME'")]
    [InlineData("$(id)", "'$NAME'")]
    [InlineData("$(cat /etc/passwd)", "'$NAME'")]
    [InlineData("${TAG:?must be set}", "':?'")]
    [InlineData("${TAG?must be set}", "':?'")]
    [InlineData("${TAG-default}", "':?'")]
    [InlineData("${TAG:+set}", "':?'")]
    [InlineData("${TAG+set}", "':?'")]
    [InlineData("${${TAG}}", "nests a substitution")]
    [InlineData("${MISSING:-${TAG}}", "default is plain text")]
    [InlineData("${MISSING:-$(id)}", "default is plain text")]
    [InlineData("${TAG", "without its closing")]
    [InlineData("${}", "not a variable name")]
    [InlineData("${1X}", "not a variable name")]
    [InlineData("${TAG[0]}", "':?'")]
    [InlineData("${TAG/a/b}", "':?'")]
    [InlineData("${#TAG}", "not a variable name")]
    [InlineData("${!TAG}", "not a variable name")]
    [InlineData("${ TAG }", "not a variable name")]
    [InlineData("${MISSING}", "does not have")]
    [InlineData("trailing $", "'$NAME'")]
    public void Every_other_form_is_an_error_naming_the_key_and_line(string value, string reason)
    {
        var message = Refusal(WebService($"environment:\n  VALUE: \"{value}\""), Variables);

        Assert.Contains("services.web.environment.VALUE (line 5):", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Interpolation_reaches_every_value_but_not_keys()
    {
        var project = Valid(
            "services:\n  web:\n    image: busybox:${TAG}\n    command: [\"echo\", \"${GREETING}\"]\n    labels:\n      ${TAG}: x\n",
            Variables);

        var web = project.Services[0];
        Assert.Equal("busybox:1.36", web.Image!.ToString());
        Assert.Equal(["echo", "hello world"], web.Command);
        Assert.Equal("x", web.Labels["${TAG}"]);
    }

    [Fact]
    public void A_variables_value_stays_one_value_and_never_becomes_yaml_or_arguments()
    {
        var project = Valid(
            WebService("command: [\"echo\", \"${EVIL}\"]\nenvironment:\n  A: \"${EVIL}\""),
            [Variable("EVIL", "x\"\n    privileged: true\n    volumes: [\"/:/host\"]")]);

        var web = project.Services[0];
        Assert.Equal("x\"\n    privileged: true\n    volumes: [\"/:/host\"]", web.Environment["A"]);
        Assert.Empty(web.Volumes);
        Assert.Equal(["echo", web.Environment["A"]], web.Command);
    }

    [Fact]
    public void A_variables_value_is_not_interpolated_again()
    {
        var project = Valid(WebService("environment:\n  A: \"${OUTER}\""), [Variable("OUTER", "${SECRET}"), Variable("SECRET", "hunter2")]);

        Assert.Equal("${SECRET}", project.Services[0].Environment["A"]);
    }

    [Fact]
    public void A_variable_limited_to_other_services_does_not_reach_this_one()
    {
        var yaml = "services:\n  web:\n    image: busybox\n    environment:\n      KEY: \"${DB_PASSWORD}\"\n  db:\n    image: postgres:17\n    environment:\n      POSTGRES_PASSWORD: \"${DB_PASSWORD}\"\n";
        var variables = new[] { Variable("DB_PASSWORD", "s3cret", "db") };

        var message = Refusal(yaml, variables);
        Assert.Contains("services.web.environment.KEY (line 5):", message, StringComparison.Ordinal);
        Assert.DoesNotContain("services.db", message, StringComparison.Ordinal);

        var project = Valid(yaml.Replace("${DB_PASSWORD}\"\n  db", "${DB_PASSWORD:-none}\"\n  db", StringComparison.Ordinal), variables);
        Assert.Equal("none", project.Find("web")!.Environment["KEY"]);
        Assert.Equal("s3cret", project.Find("db")!.Environment["POSTGRES_PASSWORD"]);
    }

    [Fact]
    public void A_build_context_from_a_variable_is_still_held_inside_the_repository()
    {
        var message = Refusal("services:\n  web:\n    build:\n      context: \"${CTX}\"\n", [Variable("CTX", "../../etc")]);

        Assert.Contains("services.web.build.context (line 4):", message, StringComparison.Ordinal);
        Assert.Contains("leaves the repository", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_string_is_split_on_quotes_only_and_nothing_is_expanded()
    {
        var project = Valid(WebService("command: sh -c 'echo $$HOME; id' \"a \\\"b\\\"\" *"));

        Assert.Equal(["sh", "-c", "echo $HOME; id", "a \"b\"", "*"], project.Services[0].Command);
    }

    [Fact]
    public void An_env_files_values_interpolate_like_the_file_and_single_quotes_stay_literal()
    {
        var project = Valid(
            WebService("env_file: .env"),
            [Variable("TAG", "1.36")],
            files: new Dictionary<string, string> { [".env"] = "# comment\nexport A=${TAG}\nB='${TAG}'\nC=\"x y\"\nD=plain # note\nE\n" });

        var environment = project.Services[0].Environment;
        Assert.Equal("1.36", environment["A"]);
        Assert.Equal("${TAG}", environment["B"]);
        Assert.Equal("x y", environment["C"]);
        Assert.Equal("plain", environment["D"]);
        Assert.False(environment.ContainsKey("E"));
    }

    [Theory]
    [InlineData("A=$(id)\n", 1)]
    [InlineData("OK=1\nB=${X:?no}\n", 2)]
    [InlineData("OK=1\n\nbad name=1\n", 3)]
    public void An_env_files_bad_line_is_named_with_the_file_and_its_line(string content, int line)
    {
        var message = Refusal(WebService("env_file: config/app.env"), files: new Dictionary<string, string> { ["config/app.env"] = content });

        Assert.Contains($"(line {line}):", message, StringComparison.Ordinal);
        Assert.Contains("config/app.env", message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_environment_overrides_the_env_files_in_order()
    {
        var project = Valid(
            WebService("env_file: [a.env, b.env]\nenvironment:\n  C: from-file"),
            files: new Dictionary<string, string> { ["a.env"] = "A=a\nB=a\nC=a\n", ["b.env"] = "B=b\n" });

        Assert.Equal(new Dictionary<string, string> { ["A"] = "a", ["B"] = "b", ["C"] = "from-file" }, project.Services[0].Environment);
    }

    [Fact]
    public void An_optional_env_file_may_be_missing_and_a_required_one_may_not()
    {
        Valid(WebService("env_file:\n  - path: local.env\n    required: false"));

        var message = Refusal(WebService("env_file: [local.env]"));
        Assert.Contains("services.web.env_file[0] (line 4):", message, StringComparison.Ordinal);
        Assert.Contains("does not exist", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("env_file: ../.env")]
    [InlineData("env_file: /etc/passwd")]
    [InlineData("env_file: ~/.aws/credentials")]
    [InlineData("env_file: [ok.env, ../../../../etc/shadow]")]
    [InlineData("env_file: https://example.com/.env")]
    public void An_env_file_outside_the_repository_is_refused_by_its_path(string setting)
    {
        var message = Refusal(WebService(setting), files: new Dictionary<string, string> { ["ok.env"] = "A=1\n" });

        Assert.Contains("services.web.env_file", message, StringComparison.Ordinal);
        Assert.Contains("(line 4):", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_compose_file_in_a_folder_reads_its_paths_from_that_folder()
    {
        var project = Valid(
            "services:\n  web:\n    build: ../web\n    env_file: app.env\n",
            files: new Dictionary<string, string> { ["deploy/app.env"] = "A=1\n" },
            composePath: "deploy/compose.yaml");

        var web = project.Services[0];
        Assert.Equal("web", web.Build!.Context);
        Assert.Equal("1", web.Environment["A"]);
        Assert.Contains("leaves the repository", Refusal("services:\n  web:\n    build: ../../web\n", composePath: "deploy/compose.yaml"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("build:\n  context: ..", "services.web.build.context", "leaves the repository")]
    [InlineData("build:\n  context: /srv", "services.web.build.context", "not a relative path")]
    [InlineData("build:\n  context: https://github.com/evil/repo.git", "services.web.build.context", "remote")]
    [InlineData("build:\n  context: git@github.com:evil/repo.git", "services.web.build.context", "remote")]
    [InlineData("build:\n  context: app\n  dockerfile: ../Dockerfile", "services.web.build.dockerfile", "leaves the build context")]
    [InlineData("build:\n  context: app\n  dockerfile: /etc/Dockerfile", "services.web.build.dockerfile", "inside the build context")]
    [InlineData("build: ../../", "services.web.build", "leaves the repository")]
    public void A_build_context_or_dockerfile_outside_the_repository_is_refused_by_its_path(string build, string key, string reason)
    {
        var message = Refusal("services:\n  web:\n" + string.Concat(build.Split('\n').Select(l => "    " + l + "\n")));

        Assert.Contains(key, message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }
}
