using System.Net;
using GoForge.Core.Auditing;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Projects;
using GoForge.Core.Reconciliation;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Api;

/// <summary>
/// <c>GET /api/v1/applications/{id}/events</c>: the Overview's Events card over HTTP. A member reads the application's
/// own reconciler events, newest first, and never another application's; someone outside the project gets 404.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiApplicationEventsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GoForgeApp _app = null!;

    public async Task InitializeAsync() => _app = await GoForgeApp.StartAsync(postgres, "apievents", services: GoForgeApp.WithoutDeploymentWorker);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_member_reads_the_applications_own_events_newest_first_and_an_outsider_gets_not_found()
    {
        var owner = await _app.CreateUserAsync();
        var (_, production) = await _app.Services.CreateProjectAsync(Actor.From(owner), "Evented");
        var applications = _app.Get<ApplicationService>();
        var app = (await applications.CreateAsync(Actor.From(owner), production.Id, new ApplicationInput { Name = "web", GitUrl = "https://example.com/w.git" })).Value!;
        var other = (await applications.CreateAsync(Actor.From(owner), production.Id, new ApplicationInput { Name = "api", GitUrl = "https://example.com/a.git" })).Value!;
        await RecordAsync(app.Id, "removed container goforge-app-first left by an interrupted deployment");
        await RecordAsync(other.Id, "removed container of the other application");
        await RecordAsync(app.Id, "routed web.example.com to container goforge-app-second again");
        var member = _app.TokenClient(await _app.CreateTokenAsync(owner, ApiScope.Read));
        var outsider = _app.TokenClient(await _app.CreateTokenAsync(await _app.CreateUserAsync(), ApiScope.Read));

        var response = await member.GetAsync($"/api/v1/applications/{app.Id}/events");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var details = (await response.JsonAsync()).EnumerateArray().Select(e => e.GetProperty("detail").GetString()).ToList();
        Assert.Equal(["routed web.example.com to container goforge-app-second again", "removed container goforge-app-first left by an interrupted deployment"], details);
        Assert.Single((await (await member.GetAsync($"/api/v1/applications/{app.Id}/events?limit=1")).JsonAsync()).EnumerateArray());
        await (await member.GetAsync($"/api/v1/applications/{app.Id}/events?limit=0")).AssertProblemAsync(400);
        await (await outsider.GetAsync($"/api/v1/applications/{app.Id}/events")).AssertProblemAsync(404);
    }

    private Task RecordAsync(Guid applicationId, string detail) => _app.Get<IAuditLog>().RecordAsync(new AuditEvent
    {
        OccurredAt = DateTimeOffset.UtcNow,
        Action = AuditActions.ReconcilerContainerRemoved,
        Target = ApplicationEvents.Target(applicationId),
        Detail = detail,
    });
}
