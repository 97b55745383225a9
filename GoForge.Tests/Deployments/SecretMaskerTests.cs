using GoForge.Core.Deployments;

namespace GoForge.Tests.Deployments;

public sealed class SecretMaskerTests
{
    [Fact]
    public void Every_occurrence_of_every_secret_is_masked()
    {
        var masker = new SecretMasker(["hunter2", "s3cr3t-token"]);

        Assert.Equal("login **** then **** and **** again", masker.Apply("login hunter2 then s3cr3t-token and hunter2 again"));
    }

    [Fact]
    public void A_secret_containing_another_is_masked_whole()
    {
        var masker = new SecretMasker(["abc", "xxabcxx"]);

        Assert.Equal("value=****", masker.Apply("value=xxabcxx"));
    }

    [Fact]
    public void Multi_line_secrets_are_masked_line_by_line()
    {
        var masker = new SecretMasker(["-----BEGIN KEY-----\r\nMIIEvQIBADANBg\n-----END KEY-----"]);

        Assert.Equal("****", masker.Apply("MIIEvQIBADANBg"));
        Assert.Equal("Step 3: ****", masker.Apply("Step 3: -----BEGIN KEY-----"));
    }

    [Fact]
    public void Empty_and_blank_values_change_nothing()
    {
        var masker = new SecretMasker(["", null, "   "]);

        Assert.Equal("plain log line", masker.Apply("plain log line"));
    }
}
