using GoForge.Core.Containers;
using GoForge.Core.Services;

namespace GoForge.Tests.Services;

/// <summary>One progress figure from the engine's per-layer pull steps.</summary>
public sealed class ImagePullTallyTests
{
    [Fact]
    public void A_present_image_reports_no_percentage()
    {
        var tally = new ImagePullTally();

        tally.Apply(new ImagePullProgress("Image is present", null, null));

        Assert.Null(tally.Percent);
        Assert.Equal("Image is present", tally.Status);
    }

    [Fact]
    public void Layers_add_up_by_bytes_over_both_phases_and_pull_complete_fills_a_layer()
    {
        var tally = new ImagePullTally();

        tally.Apply(new ImagePullProgress("Pulling fs layer", null, null, "a"));
        tally.Apply(new ImagePullProgress("Downloading", 50, 100, "a"));
        tally.Apply(new ImagePullProgress("Downloading", 100, 300, "b"));
        Assert.Equal(37.5, tally.Percent); // 150 of 400
        Assert.Equal("b: Downloading", tally.Status);

        tally.Apply(new ImagePullProgress("Download complete", null, null, "a"));
        tally.Apply(new ImagePullProgress("Extracting", 20, 100, "a"));
        Assert.Equal(44, tally.Percent); // (100 + 100 + 20) of 500

        tally.Apply(new ImagePullProgress("Pull complete", null, null, "a"));
        tally.Apply(new ImagePullProgress("Pull complete", null, null, "b"));
        Assert.Equal(100, tally.Percent);
        Assert.Equal(2, tally.Layers);
    }

    [Fact]
    public void Hostile_figures_stay_within_the_bar()
    {
        var tally = new ImagePullTally();

        tally.Apply(new ImagePullProgress("Downloading", 900, 100, "a"));
        tally.Apply(new ImagePullProgress("Downloading", -5, 100, "b"));
        tally.Apply(new ImagePullProgress("Downloading", 10, 0, "c"));

        Assert.Equal(50, tally.Percent);
    }
}
