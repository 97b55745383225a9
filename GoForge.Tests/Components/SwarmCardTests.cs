using Bunit;
using GoForge.Core.Identity;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Auth;
using GoForge.Web.Components.Pages.Servers;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace GoForge.Tests.Components;

/// <summary>The Servers page's Swarm card over the real Core service, a migrated database and a real engine of its own (in a namespace, not in any swarm).</summary>
[Collection(PostgresCollection.Name)]
public sealed class SwarmCardTests(PostgresFixture postgres) : GoForgeTestContext
{
    private SwarmCluster _engine = null!;
    private TestHost _host = null!;

    protected override async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        _engine = await SwarmCluster.StartAsync(workers: 0, timeout.Token, form: false);
        _host = await TestHost.StartAsync(postgres, "swarmcard", new Dictionary<string, string?> { ["GoForge:Docker:Endpoint"] = _engine.Manager.Endpoint.ToString() });
        Services.AddFallbackServiceProvider(_host.Services);
        Services.AddScoped<CurrentUser>();
        this.SignIn(await TestUsers.CreateAsync(_host, UserRole.Admin));
    }

    protected override async ValueTask DisposeResourcesAsync()
    {
        await _host.DisposeAsync();
        await _engine.DisposeAsync();
    }

    [Fact]
    public void An_administrator_turns_the_engine_into_a_manager_after_a_refused_address_and_sees_its_node_and_join_commands()
    {
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        Render<MudPopoverProvider>();
        var snackbars = Render<MudSnackbarProvider>();
        var card = Render<SwarmCard>();
        card.WaitForAssertion(() => Assert.Equal("off", card.Find("[data-testid=swarm-state]").TextContent.Trim()), WaitTimeout);

        card.Fill("swarm-advertise-address", "10.0.0.1; reboot");
        card.Find("[data-testid=swarm-init]").Click();
        card.WaitForAssertion(() => Assert.True(card.ShowsError("swarm-advertise-address")), WaitTimeout);
        Assert.Equal("off", card.Find("[data-testid=swarm-state]").TextContent.Trim());

        // The refusal shows while the card still reloads the engine's state (the button is disabled until then).
        card.WaitForAssertion(() => Assert.False(card.Find("[data-testid=swarm-init]").HasAttribute("disabled")), WaitTimeout);
        card.Fill("swarm-advertise-address", _engine.Manager.Address.ToString());
        card.Find("[data-testid=swarm-init]").Click();

        // swarm init is seconds of the engine's work (certificates, raft): given a minute, and any refusal shown.
        card.WaitForAssertion(() => Assert.True(card.Find("[data-testid=swarm-state]").TextContent.Trim() == "manager", snackbars.Markup + "\n---\n" + card.Markup), TimeSpan.FromMinutes(1));
        var node = Assert.Single(card.FindAll("[data-testid=swarm-node]"));
        Assert.Contains("manager (leader)", node.TextContent, StringComparison.Ordinal);
        Assert.Equal("active", card.Find("[data-testid=swarm-node-availability]").TextContent.Trim());

        card.Find("[data-testid=swarm-show-join]").Click();
        card.WaitForAssertion(() => Assert.EndsWith($"{_engine.Manager.Address}:2377", card.Find("[data-testid=swarm-join-worker]").TextContent.Trim(), StringComparison.Ordinal), WaitTimeout);
        Assert.StartsWith("docker swarm join --token SWMTKN-", card.Find("[data-testid=swarm-join-manager]").TextContent.Trim(), StringComparison.Ordinal);
    }
}

/// <summary>The Swarm card's label editor: one key=value per line.</summary>
public sealed class SwarmCardLabelsTests
{
    [Fact]
    public void Labels_are_read_one_key_value_per_line_and_a_line_without_equals_or_a_repeated_key_is_refused()
    {
        var labels = SwarmCard.ParseLabels("zone=eu-1\n\ndisk = ssd", out var problem);
        Assert.Null(problem);
        Assert.Equal(new Dictionary<string, string> { ["zone"] = "eu-1", ["disk"] = "ssd" }, labels);
        Assert.Null(SwarmCard.ParseLabels("zone", out problem));
        Assert.Contains("key=value", problem, StringComparison.Ordinal);
        Assert.Null(SwarmCard.ParseLabels("a=1\na=2", out problem));
        Assert.Contains("twice", problem, StringComparison.Ordinal);
    }
}
