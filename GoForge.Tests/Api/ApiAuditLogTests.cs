using System.Net;
using GoForge.Core.Auditing;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace GoForge.Tests.Api;

/// <summary>
/// The audit log through the API (token) and the page's CSV download (cookie): the same filters and Core's rules,
/// and a CSV whose formula-looking cells are neutralised (docs/decisions/audit-log.md).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiAuditLogTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GoForgeApp _app = null!;
    private User _maintainer = null!;
    private User _other = null!;
    private Guid _mine;
    private Guid _theirs;

    public async Task InitializeAsync()
    {
        _app = await GoForgeApp.StartAsync(postgres, "apiaudit", services: GoForgeApp.WithoutDeploymentWorker);
        _maintainer = await _app.CreateUserAsync();
        _other = await _app.CreateUserAsync();
        _mine = (await _app.Services.CreateProjectAsync(Actor.From(_maintainer), "Mine")).Project.Id;
        _theirs = (await _app.Services.CreateProjectAsync(Actor.From(_other), "Theirs")).Project.Id;
        var audit = _app.Get<IAuditLog>();
        await audit.RecordAsync(new AuditEvent
        {
            OccurredAt = DateTimeOffset.UtcNow,
            ActorUserId = _maintainer.Id,
            Action = "test.csv",
            Target = "=HYPERLINK(\"http://evil.example\",\"click\")",
            Detail = "+1, \"quoted\"\nsecond line",
            ClientAddress = "@203.0.113.9",
            ProjectId = _mine,
        });
        await audit.RecordAsync(new AuditEvent { OccurredAt = DateTimeOffset.UtcNow, Action = "test.csv", Target = "x", ProjectId = _theirs });
        await audit.RecordAsync(new AuditEvent { OccurredAt = DateTimeOffset.UtcNow, Action = "test.csv", Target = "installation-wide" });
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_maintainers_token_reads_only_their_projects_events_and_another_project_is_not_found()
    {
        var client = _app.TokenClient(await _app.CreateTokenAsync(_maintainer, ApiScope.Read));

        var page = await (await client.GetAsync("/api/v1/audit-log?action=test.")).JsonAsync();
        var refused = await client.GetAsync($"/api/v1/audit-log?project={_theirs}");
        var refusedCsv = await client.GetAsync($"/api/v1/audit-log.csv?project={_theirs}");

        var item = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(_mine.ToString(), item.GetProperty("projectId").GetString());
        Assert.Equal("Mine", item.GetProperty("projectName").GetString());
        Assert.Equal(_maintainer.Login, item.GetProperty("actorLogin").GetString());
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, refusedCsv.StatusCode);
    }

    [Fact]
    public async Task An_administrators_token_with_the_admin_scope_reads_every_event_and_without_it_only_what_they_maintain()
    {
        var admin = await _app.CreateUserAsync(UserRole.Admin);
        var full = _app.TokenClient(await _app.CreateTokenAsync(admin, ApiScope.Read | ApiScope.Admin));
        var readOnly = _app.TokenClient(await _app.CreateTokenAsync(admin, ApiScope.Read));

        var all = await (await full.GetAsync("/api/v1/audit-log?action=test.csv")).JsonAsync();
        var without = await readOnly.GetAsync("/api/v1/audit-log?action=test.csv");

        Assert.Equal(3, all.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, without.StatusCode); // maintains nothing: an admin token without 'admin' is a member's
    }

    [Theory]
    [InlineData("project=not-a-guid", "project")]
    [InlineData("from=yesterday", "from")]
    [InlineData("action=%3Dcmd%7C'%20%2FC%20calc'!A0", "action")]
    [InlineData("action=--output%3D%2Fetc%2Fpasswd", "action")]
    [InlineData("actor=%E2%80%AEevil", "actor")]
    [InlineData("from=2026-12-07T00:00:00Z&to=2026-12-01T00:00:00Z", "to")]
    public async Task A_hostile_filter_is_400_naming_the_parameter_for_the_list_and_the_csv(string query, string field)
    {
        var client = _app.TokenClient(await _app.CreateTokenAsync(_maintainer, ApiScope.Read));

        var list = await (await client.GetAsync("/api/v1/audit-log?" + query)).AssertProblemAsync(400);
        var csv = await (await client.GetAsync("/api/v1/audit-log.csv?" + query)).AssertProblemAsync(400);

        Assert.True(list.GetProperty("errors").TryGetProperty(field, out _), list.ToString());
        Assert.True(csv.GetProperty("errors").TryGetProperty(field, out _), csv.ToString());
    }

    [Fact]
    public async Task The_csv_export_quotes_as_RFC_4180_says_and_neutralises_spreadsheet_formulas()
    {
        var client = _app.TokenClient(await _app.CreateTokenAsync(_maintainer, ApiScope.Read));

        var response = await client.GetAsync($"/api/v1/audit-log.csv?project={_mine}&action=test.csv");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(".csv", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        var lines = text.Split("\r\n");
        Assert.Equal("id,occurred_at,actor_user_id,actor,action,target,project_id,project,client_address,detail", lines[0]);
        var row = text[(text.IndexOf("\r\n", StringComparison.Ordinal) + 2)..];
        Assert.EndsWith($",{_maintainer.Id},{_maintainer.Login},test.csv,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",{_mine},Mine,'@203.0.113.9,\"'+1, \"\"quoted\"\"\nsecond line\"\r\n", row, StringComparison.Ordinal);
        Assert.Equal(3, lines.Length); // the header, one event (its detail holds a line break), the last CRLF
    }

    [Fact]
    public async Task The_pages_csv_download_uses_the_cookie_and_answers_not_found_to_someone_who_maintains_nothing()
    {
        var bystander = await _app.CreateUserAsync();

        var maintainer = await BrowserAsync(_maintainer);
        var mine = await maintainer.GetAsync($"/audit/export.csv?project={_mine}&action=test.csv");
        var theirs = await maintainer.GetAsync($"/audit/export.csv?project={_theirs}");
        var nobody = await (await BrowserAsync(bystander)).GetAsync("/audit/export.csv");

        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Contains("'=HYPERLINK(", await mine.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
    }

    private async Task<HttpClient> BrowserAsync(User user)
    {
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Assert.Equal(HttpStatusCode.Redirect, (await FormClient.SignInAsync(browser, user.Login, TestUsers.Password)).StatusCode);
        return browser;
    }
}
