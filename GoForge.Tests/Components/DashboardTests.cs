using System.Security.Claims;
using Bunit;
using GoForge.Core.Identity;
using GoForge.Core.Servers;
using GoForge.Tests.Support;
using GoForge.Web.Auth;
using GoForge.Web.Components.Pages.Dashboard;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Components;

public sealed class DashboardTests : GoForgeTestContext
{
    private readonly TaskCompletionSource<EngineStatus> _engine = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly LiveMonitoring _monitoring;

    public DashboardTests()
    {
        Services.AddSingleton<IEngineStatusProbe>(new PendingProbe(_engine.Task));
        Services.AddScoped<CurrentUser>();

        // The dashboard's live figures need these; DashboardLiveTests tests them.
        Services.AddInMemoryProjects();
        _monitoring = LiveMonitoring.AddTo(Services, TimeProvider.System, probe: false);
    }

    protected override ValueTask DisposeResourcesAsync() => _monitoring.DisposeAsync();

    [Fact]
    public void Dashboard_greets_the_user_and_fills_in_the_engine_step_when_the_probe_answers()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("ada");
        auth.SetRoles(GoForgeClaims.AdminRole);
        auth.SetClaims(new Claim(GoForgeClaims.DisplayName, "Ada Lovelace"));

        var page = Render<Dashboard>();
        Assert.Contains("Checking the engine", page.Markup, StringComparison.Ordinal);

        _engine.SetResult(new EngineStatus { Reachable = true, Endpoint = "unix:///d.sock", Version = "20.10.24" });

        page.WaitForAssertion(() => Assert.Contains("Docker 20.10.24 answers at unix:///d.sock", page.Markup, StringComparison.Ordinal), WaitTimeout);
        Assert.Contains("Welcome, Ada Lovelace", page.WaitForElement("h1", WaitTimeout).TextContent, StringComparison.Ordinal);
        Assert.Contains("Invite your team", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Members_are_not_offered_user_management()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("bob");
        auth.SetRoles(GoForgeClaims.MemberRole);

        var page = Render<Dashboard>();
        _engine.SetResult(new EngineStatus { Reachable = false, Endpoint = "unix:///d.sock", Error = "refused" });

        page.WaitForAssertion(() => Assert.Contains("Not reachable at unix:///d.sock: refused", page.Markup, StringComparison.Ordinal), WaitTimeout);
        Assert.DoesNotContain("Invite your team", page.Markup, StringComparison.Ordinal);
    }

    private sealed class PendingProbe(Task<EngineStatus> status) : IEngineStatusProbe
    {
        public Task<EngineStatus> GetStatusAsync(CancellationToken ct = default) => status;
    }
}
