using GoForge.Core.Projects;
using GoForge.Core.Containers;

namespace GoForge.Tests.Registry;

public sealed class ImageReferenceTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("nginx", null, "nginx", null, null, "docker.io", "latest")]
    [InlineData("nginx:1.27-alpine", null, "nginx", "1.27-alpine", null, "docker.io", "1.27-alpine")]
    [InlineData("team/app:v2", null, "team/app", "v2", null, "docker.io", "v2")]
    [InlineData("127.0.0.1:5000/web:latest", "127.0.0.1:5000", "web", "latest", null, "127.0.0.1:5000", "latest")]
    [InlineData("registry.example.com/a/b/c_d__e-f:1", "registry.example.com", "a/b/c_d__e-f", "1", null, "registry.example.com", "1")]
    [InlineData("localhost/app", "localhost", "app", null, null, "localhost", "latest")]
    [InlineData("app@" + Digest, null, "app", null, Digest, "docker.io", Digest)]
    [InlineData("ghcr.io/o/app:1@" + Digest, "ghcr.io", "o/app", "1", Digest, "ghcr.io", Digest)]
    public void Valid_references_parse_into_registry_path_tag_and_digest(string text, string? registry, string path, string? tag, string? digest, string host, string pullTag)
    {
        Assert.True(ImageReference.TryParse(text, out var reference, out var error), error);
        Assert.Equal(registry, reference.Registry);
        Assert.Equal(path, reference.Path);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(digest, reference.Digest);
        Assert.Equal(host, reference.RegistryHost);
        Assert.Equal(pullTag, reference.PullTag);
        Assert.Equal(text, reference.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData(" nginx")]
    [InlineData("nginx ")]
    [InlineData("ng inx")]
    [InlineData("nginx\n")]
    [InlineData("nginx\t:1")]
    [InlineData("nginx\0")]
    [InlineData("-nginx")]
    [InlineData("--help")]
    [InlineData("-H tcp://evil:2375")]
    [InlineData("nginx;rm -rf /")]
    [InlineData("nginx&&id")]
    [InlineData("nginx|id")]
    [InlineData("$(id)")]
    [InlineData("`id`")]
    [InlineData("nginx:$TAG")]
    [InlineData("nginx:1>out")]
    [InlineData("../etc/passwd")]
    [InlineData("a/../b")]
    [InlineData("NGINX")]
    [InlineData("team/App")]
    [InlineData("nginx:")]
    [InlineData("nginx:-1")]
    [InlineData("nginx:.1")]
    [InlineData("nginx@sha256:abc")]
    [InlineData("nginx@md5:0123456789abcdef0123456789abcdef")]
    [InlineData("nginx@SHA256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("registry:99999/app")]
    [InlineData("registry:0/app")]
    [InlineData("-registry.example.com/app")]
    [InlineData("reg-.example.com/app")]
    [InlineData("[::1]:5000/app")]
    [InlineData("app//x")]
    [InlineData("app/")]
    [InlineData("app__")]
    [InlineData("a..b")]
    [InlineData("ngïnx")]
    [InlineData("nginx:１")]
    [InlineData("ｎｇｉｎｘ")]
    [InlineData("nginx\u200b")]
    [InlineData("nginx\u202e")]
    [InlineData("http://registry/app")]
    [InlineData("app:tag:tag")]
    [InlineData("app@" + Digest + "@" + Digest)]
    public void Hostile_or_malformed_references_are_refused_with_a_reason(string text)
    {
        Assert.False(ImageReference.TryParse(text, out var reference, out var error));
        Assert.Null(reference);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Length_caps_hold_for_the_whole_reference_the_name_and_the_tag()
    {
        Assert.False(ImageReference.TryParse(new string('a', ImageReference.MaxLength + 1), out _, out _));
        Assert.False(ImageReference.TryParse(new string('a', ImageReference.MaxNameLength + 1), out _, out var nameError));
        Assert.Contains("255", nameError, StringComparison.Ordinal);
        Assert.True(ImageReference.TryParse("app:" + new string('t', 128), out _, out _));
        Assert.False(ImageReference.TryParse("app:" + new string('t', 129), out _, out _));
    }

    [Fact]
    public void Null_is_refused()
    {
        Assert.False(ImageReference.TryParse(null, out _, out var error));
        Assert.NotNull(error);
    }
}
