using GoForge.Core.Common;
using GoForge.Core.Projects;

namespace GoForge.Tests.Projects;

public sealed class ProjectInputRulesTests
{
    private static bool Refuses(Action<FieldErrors> validate)
    {
        var errors = new FieldErrors();
        validate(errors);
        return !errors.IsEmpty;
    }

    [Theory]
    [InlineData("https://github.com/acme/shop.git")]
    [InlineData("http://127.0.0.1:8080/git/repo.git")]
    [InlineData("ssh://git@gitlab.example.com:2222/acme/shop.git")]
    [InlineData("git://127.0.0.1:9418/repo")]
    [InlineData("git@github.com:acme/shop.git")]
    [InlineData("/srv/git/shop.git")]
    [InlineData("https://deploy@github.com/acme/shop")]
    public void Accepted_git_urls(string url) => Assert.False(Refuses(e => ProjectInputRules.ValidateGitUrl(url, e)));

    [Theory]
    [InlineData("")]
    [InlineData("file:///etc/passwd")]
    [InlineData("ext::sh -c touch% /tmp/pwned")]
    [InlineData("ext::sh")]
    [InlineData("fd::17")]
    [InlineData("--upload-pack=touch /tmp/pwned")]
    [InlineData("-oProxyCommand=id")]
    [InlineData("https://github.com/acme/shop.git; rm -rf /")]
    [InlineData("https://github.com/acme/$(id).git\n")]
    [InlineData("https://user:ghp_secret@github.com/acme/shop.git")]
    [InlineData("https://github.com/../../etc/passwd")]
    [InlineData("/srv/git/../../etc/passwd")]
    [InlineData("relative/path/repo")]
    [InlineData("ftp://example.com/repo.git")]
    [InlineData("git@github.com:acme/../../etc.git")]
    [InlineData("ssh://-oProxyCommand=id/repo")]
    [InlineData("-uhttps://github.com/acme/shop.git")]
    [InlineData("--upload-pack=id")]
    [InlineData("ext::git-remote-ext")]
    [InlineData("https://github.com/acme/::ext/shop.git")]
    [InlineData("https://github.com/acme/../shop.git")]
    [InlineData("https://github.com/acme/\u202Egpj.pohs")]
    [InlineData("https://github.com/acme/sh\u200Bop.git")]
    [InlineData("https://github.com/acme/shop.git\u0000")]
    public void Refused_git_urls(string url) => Assert.True(Refuses(e => ProjectInputRules.ValidateGitUrl(url, e)));

    [Fact]
    public void Oversized_git_url_is_refused() =>
        Assert.True(Refuses(e => ProjectInputRules.ValidateGitUrl("https://example.com/" + new string('a', 5000), e)));

    [Theory]
    [InlineData("main")]
    [InlineData("feature/new-ui")]
    [InlineData("release-1.2")]
    public void Accepted_branches(string branch) => Assert.False(Refuses(e => ProjectInputRules.ValidateBranch(branch, e)));

    [Theory]
    [InlineData("")]
    [InlineData("-f")]
    [InlineData("--upload-pack=x")]
    [InlineData("a..b")]
    [InlineData("a b")]
    [InlineData("a~1")]
    [InlineData("a^")]
    [InlineData("a:b")]
    [InlineData("a?")]
    [InlineData("a*")]
    [InlineData("a[")]
    [InlineData("a\\b")]
    [InlineData("a.lock")]
    [InlineData("a/")]
    [InlineData("/a")]
    [InlineData("a//b")]
    [InlineData("a@{1}")]
    [InlineData("@")]
    [InlineData(".hidden")]
    [InlineData("x/.y")]
    [InlineData("main\nrm")]
    [InlineData("mаin")] // Cyrillic а
    public void Refused_branches(string branch) => Assert.True(Refuses(e => ProjectInputRules.ValidateBranch(branch, e)));

    [Theory]
    [InlineData("Dockerfile")]
    [InlineData("./docker/Dockerfile.prod")]
    [InlineData("services/api/Dockerfile")]
    public void Accepted_dockerfile_paths(string path) =>
        Assert.False(Refuses(e => ProjectInputRules.ValidateRepositoryPath(path, e, "DockerfilePath", allowRoot: false)));

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../../etc/passwd")]
    [InlineData("docker/../../x")]
    [InlineData("..")]
    [InlineData("-f")]
    [InlineData("a\\b")]
    [InlineData("a;b")]
    [InlineData("$(id)")]
    [InlineData("a\nb")]
    [InlineData(".")]
    public void Refused_dockerfile_paths(string path) =>
        Assert.True(Refuses(e => ProjectInputRules.ValidateRepositoryPath(path, e, "DockerfilePath", allowRoot: false)));

    [Fact]
    public void Build_context_may_be_the_repository_root() =>
        Assert.False(Refuses(e => ProjectInputRules.ValidateRepositoryPath(".", e, "BuildContext", allowRoot: true)));

    [Fact]
    public void Domains_are_lower_cased_punycoded_and_keep_path_prefixes()
    {
        var errors = new FieldErrors();

        var routes = ProjectInputRules.ParseDomains("Shop.Example.com\nbücher.example/api/\nexample.org, www.example.org", errors);

        Assert.True(errors.IsEmpty);
        Assert.Equal(
            [new("shop.example.com", null), new("xn--bcher-kva.example", "/api"), new("example.org", null), new("www.example.org", null)],
            routes);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("-bad.example.com")]
    [InlineData("bad-.example.com")]
    [InlineData("exa mple.com")]
    [InlineData("example.com`) || Host(`evil.com")]
    [InlineData("evil.com;rm -rf /")]
    [InlineData("a..example.com")]
    [InlineData("example.com/../admin")]
    [InlineData("example.com/pa th")]
    [InlineData("*.example.com")]
    public void Refused_domains(string text)
    {
        var errors = new FieldErrors();
        ProjectInputRules.ParseDomains(text, errors);
        Assert.False(errors.IsEmpty);
    }

    [Fact]
    public void Overlong_domain_label_is_refused()
    {
        var errors = new FieldErrors();
        ProjectInputRules.ParseDomains(new string('a', 64) + ".example.com", errors);
        Assert.False(errors.IsEmpty);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65536)]
    [InlineData(null)]
    public void Refused_ports(int? port) => Assert.True(Refuses(e => ProjectInputRules.ValidatePort(port, e)));

    [Theory]
    [InlineData("DATABASE_URL")]
    [InlineData("_private")]
    [InlineData("a1")]
    public void Accepted_variable_keys(string key) => Assert.False(Refuses(e => ProjectInputRules.ValidateVariableKey(key, e)));

    [Theory]
    [InlineData("")]
    [InlineData("1ABC")]
    [InlineData("A-B")]
    [InlineData("A B")]
    [InlineData("A=B")]
    [InlineData("$(id)")]
    [InlineData("KEY\n")]
    [InlineData("ÄKEY")]
    public void Refused_variable_keys(string key) => Assert.True(Refuses(e => ProjectInputRules.ValidateVariableKey(key, e)));

    [Fact]
    public void Oversized_variable_value_and_nul_are_refused()
    {
        Assert.True(Refuses(e => ProjectInputRules.ValidateVariableValue(new string('x', ProjectInputRules.VariableValueMaxLength + 1), e)));
        Assert.True(Refuses(e => ProjectInputRules.ValidateVariableValue("a\0b", e)));
        Assert.False(Refuses(e => ProjectInputRules.ValidateVariableValue("multi\nline; $(not run)", e)));
    }

    [Theory]
    [InlineData("My Shop", "my-shop")]
    [InlineData("  Café Crème  ", "cafe-creme")]
    [InlineData("API -- v2!", "api-v2")]
    [InlineData("--rm -rf /", "rm-rf")]
    [InlineData("../../etc", "etc")]
    public void Slugs_are_dns_safe(string name, string slug) => Assert.Equal(slug, ProjectInputRules.Slugify(name));

    [Theory]
    [InlineData("")]
    [InlineData("!!!")]
    [InlineData("日本語")]
    [InlineData("name\u202Ereversed")]
    public void Names_without_a_usable_slug_or_with_control_characters_are_refused(string name) =>
        Assert.True(Refuses(e => ProjectInputRules.ValidateName(name, e)));

    [Fact]
    public void Long_names_give_slugs_within_the_dns_label_limit()
    {
        var slug = ProjectInputRules.Slugify(new string('a', 64));
        Assert.True(slug.Length <= ProjectInputRules.SlugMaxLength);
        Assert.True(Refuses(e => ProjectInputRules.ValidateName(new string('a', 65), e)));
    }
}
