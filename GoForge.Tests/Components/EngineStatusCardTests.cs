using Bunit;
using GoForge.Core.Servers;
using GoForge.Web.Components.Pages.Servers;

namespace GoForge.Tests.Components;

public sealed class EngineStatusCardTests : GoForgeTestContext
{
    [Fact]
    public void Reachable_engine_shows_version_and_counts()
    {
        var card = Render<EngineStatusCard>(p => p.Add(c => c.Status, new EngineStatus
        {
            Reachable = true,
            Endpoint = "unix:///var/run/docker.sock",
            Version = "20.10.24",
            ApiVersion = "1.41",
            OperatingSystem = "Debian GNU/Linux 12",
            ContainersRunning = 3,
            Images = 7,
        }));

        Assert.Contains("reachable", card.WaitForElement(".mud-chip", WaitTimeout).TextContent, StringComparison.Ordinal);
        Assert.Contains("20.10.24 (API 1.41)", card.Markup, StringComparison.Ordinal);
        Assert.Contains("Debian GNU/Linux 12", card.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreachable_engine_shows_the_engine_error_and_how_to_fix_it()
    {
        var card = Render<EngineStatusCard>(p => p.Add(c => c.Status, new EngineStatus
        {
            Reachable = false,
            Endpoint = "unix:///nowhere.sock",
            Error = "Connection refused",
        }));

        Assert.Equal("unreachable", card.WaitForElement(".mud-chip", WaitTimeout).TextContent.Trim());
        Assert.Contains("Connection refused", card.Markup, StringComparison.Ordinal);
        Assert.Contains("GoForge__Docker__Endpoint", card.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_status_shows_a_spinner_only()
    {
        var card = Render<EngineStatusCard>();

        Assert.NotEmpty(card.FindAll(".mud-progress-circular"));
        Assert.Empty(card.FindAll(".mud-chip"));
    }
}
