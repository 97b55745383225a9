using System.Text;
using GoForge.Core.GitProviders;

namespace GoForge.Tests.GitProviders;

public sealed class WebhookSignatureTests
{
    private const string Secret = "It's a Secret to Everybody";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("Hello, World!");

    public static TheoryData<WebhookProvider> Providers => [WebhookProvider.GitHub, WebhookProvider.GitLab, WebhookProvider.Gitea];

    [Fact]
    public void GitHub_signature_matches_the_example_in_GitHubs_documentation()
    {
        // docs.github.com, "Validating webhook deliveries": this secret and body give this header.
        Assert.Equal("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", WebhookSignature.Sign(WebhookProvider.GitHub, Secret, Body));
        Assert.True(WebhookSignature.Verify(WebhookProvider.GitHub, Secret, Body, "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Valid_signature_verifies(WebhookProvider provider) =>
        Assert.True(WebhookSignature.Verify(provider, Secret, Body, WebhookSignature.Sign(provider, Secret, Body)));

    [Theory]
    [MemberData(nameof(Providers))]
    public void Signature_made_with_another_secret_is_refused(WebhookProvider provider) =>
        Assert.False(WebhookSignature.Verify(provider, Secret, Body, WebhookSignature.Sign(provider, "another secret", Body)));

    [Theory]
    [MemberData(nameof(Providers))]
    public void Missing_signature_is_refused(WebhookProvider provider)
    {
        Assert.False(WebhookSignature.Verify(provider, Secret, Body, null));
        Assert.False(WebhookSignature.Verify(provider, Secret, Body, string.Empty));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Empty_secret_never_verifies_even_a_signature_made_with_it(WebhookProvider provider)
    {
        var forged = provider == WebhookProvider.GitLab ? string.Empty : WebhookSignature.Sign(provider, string.Empty, Body);
        Assert.False(WebhookSignature.Verify(provider, string.Empty, Body, forged));
    }

    [Theory]
    [InlineData(WebhookProvider.GitHub)]
    [InlineData(WebhookProvider.Gitea)]
    public void Body_altered_by_one_byte_is_refused(WebhookProvider provider)
    {
        var signature = WebhookSignature.Sign(provider, Secret, Body);
        var altered = (byte[])Body.Clone();
        altered[^1] ^= 0x01;

        Assert.False(WebhookSignature.Verify(provider, Secret, altered, signature));
    }

    [Theory]
    [InlineData("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")] // no "sha256=" prefix
    [InlineData("sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E1")] // one digit short
    [InlineData("sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("sha256=")]
    public void Malformed_GitHub_signatures_are_refused(string header) =>
        Assert.False(WebhookSignature.Verify(WebhookProvider.GitHub, Secret, Body, header));

    [Fact]
    public void GitHub_signature_is_not_accepted_as_a_Gitea_one_and_back()
    {
        var github = WebhookSignature.Sign(WebhookProvider.GitHub, Secret, Body);
        var gitea = WebhookSignature.Sign(WebhookProvider.Gitea, Secret, Body);

        Assert.False(WebhookSignature.Verify(WebhookProvider.Gitea, Secret, Body, github));
        Assert.False(WebhookSignature.Verify(WebhookProvider.GitHub, Secret, Body, gitea));
    }

    [Fact]
    public void GitLab_token_must_equal_the_secret_exactly()
    {
        Assert.False(WebhookSignature.Verify(WebhookProvider.GitLab, Secret, Body, Secret + " "));
        Assert.False(WebhookSignature.Verify(WebhookProvider.GitLab, Secret, Body, Secret.ToUpperInvariant()));
        Assert.False(WebhookSignature.Verify(WebhookProvider.GitLab, Secret, Body, Secret[..^1]));
    }
}
