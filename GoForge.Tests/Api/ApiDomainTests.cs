using System.Net;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Api;

/// <summary>
/// Domain ownership over HTTP, with the panel's host taken from its own <c>GoForge:PublicUrl</c>: a member's token is
/// refused the panel's host with a path and another project's host, told neither who holds it; an administrator's
/// token reads who holds every domain from <c>GET /api/v1/settings/domains</c>, a member's is refused.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiDomainTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GoForgeApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await GoForgeApp.StartAsync(postgres, "apidomains", settings: new Dictionary<string, string?> { ["GoForge:PublicUrl"] = "https://Panel.Example.com:8443/" },
            services: GoForgeApp.WithoutDeploymentWorker);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static object NewApplication(string name, params string[] domains) => new { name, gitUrl = "https://git.example.com/acme/web.git", domains };

    [Fact]
    public async Task A_member_is_refused_the_panels_public_host_with_a_path_and_another_projects_host_without_learning_who_holds_it()
    {
        var holder = Actor.From(await _app.CreateUserAsync());
        var (_, holderProduction) = await _app.Services.CreateProjectAsync(holder, "Zeta Confidential");
        var input = new ApplicationInput { Name = "vault-front", GitUrl = "https://example.com/v.git", Domains = "shop.example.com" };
        Assert.True((await _app.Get<ApplicationService>().CreateAsync(holder, holderProduction.Id, input)).IsSuccess);
        var member = await _app.CreateUserAsync();
        var (_, production) = await _app.Services.CreateProjectAsync(Actor.From(member), "Mine");
        var client = _app.TokenClient(await _app.CreateTokenAsync(member, ApiScope.Read | ApiScope.Write));
        var path = $"/api/v1/environments/{production.Id}/applications";

        var panel = await (await client.SendAsync(HttpMethod.Post, path, NewApplication("phish", "panel.example.com/login"))).AssertProblemAsync(400);
        var taken = await (await client.SendAsync(HttpMethod.Post, path, NewApplication("grab", "SHOP.example.com./admin"))).AssertProblemAsync(400);

        Assert.Contains("the panel's own address", panel.GetRawText(), StringComparison.Ordinal);
        var text = taken.GetRawText();
        Assert.Contains("is taken", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Zeta", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("vault", text, StringComparison.OrdinalIgnoreCase);
        Assert.Empty((await _app.Get<ApplicationService>().ListAsync(Actor.From(member), production.Id)).Value!);
    }

    [Fact]
    public async Task An_administrator_reads_who_holds_every_domain_and_a_member_token_is_refused()
    {
        var owner = Actor.From(await _app.CreateUserAsync());
        var (_, production) = await _app.Services.CreateProjectAsync(owner, "Zeta Confidential");
        var input = new ApplicationInput { Name = "vault-front", GitUrl = "https://example.com/v.git", Domains = "bücher.example/shop" };
        var app = (await _app.Get<ApplicationService>().CreateAsync(owner, production.Id, input)).Value!;
        var admin = _app.TokenClient(await _app.CreateTokenAsync(await _app.CreateUserAsync(UserRole.Admin), ApiScope.Admin));
        var member = _app.TokenClient(await _app.CreateTokenAsync(await _app.CreateUserAsync(), ApiScope.Read | ApiScope.Write));

        var response = await admin.GetAsync("/api/v1/settings/domains");
        var refused = await member.GetAsync("/api/v1/settings/domains");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal(["panel.example.com"], json.GetProperty("panelHosts").EnumerateArray().Select(h => h.GetString()));
        var row = Assert.Single(json.GetProperty("domains").EnumerateArray());
        Assert.Equal(
            ("xn--bcher-kva.example", "/shop", "application", "vault-front", "Zeta Confidential", app.Id.ToString(), false),
            (row.GetProperty("host").GetString(), row.GetProperty("pathPrefix").GetString(), row.GetProperty("kind").GetString(), row.GetProperty("workloadName").GetString(),
                row.GetProperty("projectName").GetString(), row.GetProperty("workloadId").GetString(), row.GetProperty("conflict").GetBoolean()));
        await refused.AssertProblemAsync(403);
    }
}
