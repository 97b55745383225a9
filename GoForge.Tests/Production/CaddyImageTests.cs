using GoForge.Tests.Harness;

namespace GoForge.Tests.Production;

/// <summary>The Caddy image built for the production-stack test: Debian's Caddy 2, its state under /data and /config as in the official image.</summary>
[Collection(DockerCollection.Name)]
public sealed class CaddyImageTests(DockerFixture docker)
{
    [Fact]
    public async Task The_caddy_image_runs_caddy_2_with_its_state_in_data_and_config()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var image = await LocalImages.CaddyAsync(docker.Client, timeout.Token);

        var (exit, output) = await OneShotContainer.RunAsync(docker.Client, image, ["/bin/sh", "-c"],
            ["caddy version && echo \"$XDG_DATA_HOME $XDG_CONFIG_HOME\" && caddy validate --config /etc/caddy/caddy.json"], timeout.Token);

        Assert.True(exit == 0, output);
        Assert.Matches(@"^v?2\.", output);
        Assert.Contains("Valid configuration", output, StringComparison.Ordinal);
        Assert.Contains("/data /config", output, StringComparison.Ordinal);
    }
}
