using System.Net;
using System.Text.Json;
using GoForge.Core.Auditing;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Api;

/// <summary>
/// The endpoints that give the API what the pages offer (routing, members, repository credentials, webhook secret, the
/// caller's tokens, the audit log, .env import) over real PostgreSQL: what they store and answer, that secrets never
/// come back, and hostile input refused with 400 naming the field.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiParityTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const ApiScope Everything = ApiScope.Read | ApiScope.Write | ApiScope.Deploy | ApiScope.Secrets;

    /// <summary>Values a script might send by mistake or on purpose: shell, traversal, options, control and bidi characters, sheer size.</summary>
    public static readonly TheoryData<string> Hostile = new()
    {
        "a; rm -rf /", "$(reboot)", "`id`", "../../etc/passwd", "--force", "-rf", "x\ny", "bad\u202Ename", new string('a', 5000), "名前|&>",
    };

    private GoForgeApp _app = null!;
    private User _owner = null!;

    public async Task InitializeAsync()
    {
        _app = await GoForgeApp.StartAsync(postgres, "apiparity", services: GoForgeApp.WithoutDeploymentWorker);
        _owner = await _app.CreateUserAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Routing_round_trips_and_a_basic_auth_password_is_stored_hashed_and_never_answered()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Routing");
        var client = await ClientAsync(Everything);
        var path = $"/api/v1/applications/{world.Application.Id}/routing";

        var put = await client.SendAsync(HttpMethod.Put, path, new
        {
            redirectToHttps = false, wwwRedirect = "toWww", ipAllowList = "10.0.0.0/8", compression = true,
            basicAuthUsers = new[] { new { userName = "ops", password = "a-long-basic-auth-password" } },
        });
        var read = await (await client.GetAsync(path)).JsonAsync();
        var preview = await (await client.GetAsync(path + "/proxy-config")).JsonAsync();
        var labels = await (await client.GetAsync(path + "/labels")).Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.False(read.GetProperty("redirectToHttps").GetBoolean());
        Assert.Equal("toWww", read.GetProperty("wwwRedirect").GetString());
        Assert.Equal("ops", read.GetProperty("basicAuthUsers")[0].GetProperty("userName").GetString());
        Assert.Equal(JsonValueKind.Null, read.GetProperty("basicAuthUsers")[0].GetProperty("password").ValueKind);
        Assert.DoesNotContain("a-long-basic-auth-password", read.ToString() + preview + labels, StringComparison.Ordinal);
        Assert.Contains($"ops:{RoutingService.HiddenHash}", preview.GetProperty("configuration").ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("$2y$", preview.ToString(), StringComparison.Ordinal);
        Assert.Equal("{}", labels);
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task Hostile_routing_input_is_400_naming_the_field_and_changes_nothing(string value)
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Hostile routing");
        var client = await ClientAsync(Everything);
        var path = $"/api/v1/applications/{world.Application.Id}/routing";
        var before = (await (await client.GetAsync(path)).JsonAsync()).ToString();

        var allowList = await (await client.SendAsync(HttpMethod.Put, path, new { ipAllowList = value })).AssertProblemAsync(400);
        var www = await (await client.SendAsync(HttpMethod.Put, path, new { wwwRedirect = value })).AssertProblemAsync(400);
        var resolver = await (await client.SendAsync(HttpMethod.Put, path, new { certResolver = value })).AssertProblemAsync(400);

        Assert.True(allowList.GetProperty("errors").TryGetProperty("ipAllowList", out _), allowList.ToString());
        Assert.True(www.GetProperty("errors").TryGetProperty("wwwRedirect", out _), www.ToString());
        Assert.True(resolver.GetProperty("errors").TryGetProperty("certResolver", out _), resolver.ToString());
        Assert.Equal(before, (await (await client.GetAsync(path)).JsonAsync()).ToString());
    }

    [Fact]
    public async Task Members_are_added_changed_and_removed_and_the_last_maintainer_stays()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Members");
        var client = await ClientAsync(Everything);
        var other = await _app.CreateUserAsync();
        var path = $"/api/v1/projects/{world.Project.Id}/members";

        var added = await (await client.SendAsync(HttpMethod.Put, $"{path}/{other.Login}", new { role = "deployer" })).JsonAsync();
        var changed = await (await client.SendAsync(HttpMethod.Put, $"{path}/{other.Login}", new { role = "maintainer" })).JsonAsync();
        var removed = await client.SendAsync(HttpMethod.Delete, $"{path}/{other.Id}");
        var demoteLast = await client.SendAsync(HttpMethod.Put, $"{path}/{_owner.Login}", new { role = "viewer" });
        var removeLast = await client.SendAsync(HttpMethod.Delete, $"{path}/{_owner.Id}");
        var listed = await (await client.GetAsync(path)).JsonAsync();

        Assert.Equal("deployer", added.GetProperty("role").GetString());
        Assert.Equal("maintainer", changed.GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await demoteLast.AssertProblemAsync(409);
        await removeLast.AssertProblemAsync(409);
        Assert.DoesNotContain(listed.GetProperty("items").EnumerateArray(), m => m.GetProperty("login").GetString() == other.Login);
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), m => m.GetProperty("login").GetString() == _owner.Login && m.GetProperty("role").GetString() == "maintainer");
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task A_hostile_login_or_role_is_400_naming_the_field(string value)
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Hostile members");
        var client = await ClientAsync(Everything);
        var path = $"/api/v1/projects/{world.Project.Id}/members";

        var login = await (await client.SendAsync(HttpMethod.Put, $"{path}/{Uri.EscapeDataString(value)}", new { role = "viewer" })).AssertProblemAsync(400);
        var role = await (await client.SendAsync(HttpMethod.Put, $"{path}/{world.Account.Login}", new { role = value })).AssertProblemAsync(400);

        Assert.True(login.GetProperty("errors").TryGetProperty("login", out _), login.ToString());
        Assert.True(role.GetProperty("errors").TryGetProperty("role", out _), role.ToString());
    }

    [Fact]
    public async Task Another_projects_members_credentials_routing_and_webhook_are_not_found()
    {
        var elsewhere = await ApiWorld.CreateAsync(_app, await _app.CreateUserAsync(), "Not mine");
        var client = await ClientAsync(Everything);

        var answers = new[]
        {
            await client.GetAsync($"/api/v1/projects/{elsewhere.Project.Id}/members"),
            await client.SendAsync(HttpMethod.Put, $"/api/v1/projects/{elsewhere.Project.Id}/members/{_owner.Login}", new { role = "maintainer" }),
            await client.GetAsync($"/api/v1/applications/{elsewhere.Application.Id}/git-credential"),
            await client.SendAsync(HttpMethod.Put, $"/api/v1/projects/{elsewhere.Project.Id}/git-credential/token", new { username = "x", token = "ghp_stolen0123456789" }),
            await client.GetAsync($"/api/v1/applications/{elsewhere.Application.Id}/routing"),
            await client.SendAsync(HttpMethod.Post, $"/api/v1/applications/{elsewhere.Application.Id}/webhook/secret"),
            await client.GetAsync($"/api/v1/applications/{elsewhere.Application.Id}/logs"),
            await client.SendAsync(HttpMethod.Delete, $"/api/v1/me/tokens/{elsewhere.OwnerTokenId}"),
        };

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.NotFound, a.StatusCode));
    }

    [Fact]
    public async Task A_repository_token_goes_in_and_never_comes_out_and_a_deploy_key_answers_its_public_half()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Credentials");
        var client = await ClientAsync(Everything);
        var path = $"/api/v1/projects/{world.Project.Id}/git-credential";
        const string Secret = "ghp_never-answered-0123456789";

        var set = await client.SendAsync(HttpMethod.Put, path + "/token", new { username = "x-access-token", token = Secret });
        var read = await client.GetAsync(path);
        var inherited = await (await client.GetAsync($"/api/v1/applications/{world.Application.Id}/git-credential")).JsonAsync();
        var key = await (await client.SendAsync(HttpMethod.Post, path + "/deploy-key")).JsonAsync();
        var removed = await client.SendAsync(HttpMethod.Delete, path);
        var gone = await client.GetAsync(path);

        var texts = await set.Content.ReadAsStringAsync() + await read.Content.ReadAsStringAsync() + inherited + key;
        Assert.DoesNotContain(Secret, texts, StringComparison.Ordinal);
        Assert.Equal("token", (await read.JsonAsync()).GetProperty("kind").GetString());
        Assert.StartsWith("ssh-ed25519 ", key.GetProperty("publicKey").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", key.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, gone.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task A_hostile_repository_user_name_or_token_is_refused_naming_the_field_or_stored_as_inert_text(string value)
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Hostile credentials");
        var client = await ClientAsync(Everything);
        var path = $"/api/v1/applications/{world.Application.Id}/git-credential/token";
        static bool Invisible(char c) => char.IsWhiteSpace(c) || char.IsControl(c)
            || System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format;
        var badUser = value.Length > 100 || value.Any(c => Invisible(c) || c is ':' or '@' or '/');
        var badToken = value.Length > 1000 || value.Any(Invisible);

        var user = await client.SendAsync(HttpMethod.Put, path, new { username = value, token = "ghp_fine0123456789" });
        var token = await client.SendAsync(HttpMethod.Put, path, new { username = "x", token = value });

        // Clones never run a shell (LibGit2Sharp, Process with ArgumentList), so "$(reboot)" is only an odd user name.
        if (badUser)
        {
            var problem = await user.AssertProblemAsync(400);
            Assert.True(problem.GetProperty("errors").TryGetProperty("username", out _), problem.ToString());
        }
        else
        {
            Assert.Equal(value, (await user.JsonAsync()).GetProperty("username").GetString());
        }

        if (badToken)
        {
            var problem = await token.AssertProblemAsync(400);
            Assert.True(problem.GetProperty("errors").TryGetProperty("token", out _), problem.ToString());
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, token.StatusCode);
            Assert.DoesNotContain(value, await token.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_new_webhook_secret_is_answered_once_verifies_deliveries_and_the_old_one_stops()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Webhook");
        var client = await ClientAsync(Everything);
        var path = $"/api/v1/applications/{world.Application.Id}/webhook";
        var old = (await (await client.GetAsync(path + "/secret")).JsonAsync()).GetProperty("secret").GetString()!;

        var created = await (await client.SendAsync(HttpMethod.Post, path + "/secret")).JsonAsync();
        var overview = await (await client.GetAsync(path)).JsonAsync();

        var secret = created.GetProperty("secret").GetString()!;
        Assert.Matches("^[0-9a-f]{64}$", secret);
        Assert.NotEqual(old, secret);
        Assert.True(overview.GetProperty("hasSecret").GetBoolean());
        Assert.DoesNotContain(secret, overview.ToString(), StringComparison.Ordinal);
        Assert.Equal($"/webhooks/github?app={world.Application.Id}", overview.GetProperty("paths").GetProperty("github").GetString());
        Assert.Contains(await _app.Get<IAuditLog>().ListRecentAsync(20), e => e.Action == AuditActions.WebhookSecretSet && e.Detail == "replaced");
        Assert.Equal(secret, (await (await client.GetAsync(path + "/secret")).JsonAsync()).GetProperty("secret").GetString());
    }

    [Fact]
    public async Task A_token_makes_tokens_only_within_its_own_scopes_and_expiry_and_revokes_them()
    {
        var expires = DateTimeOffset.UtcNow.AddDays(3);
        var client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read | ApiScope.Write, expiresAt: expires));

        var wider = await (await client.SendAsync(HttpMethod.Post, "/api/v1/me/tokens", new { name = "wider", scopes = new[] { "read", "secrets" }, expiresAt = expires.AddHours(-1) })).AssertProblemAsync(400);
        var longer = await (await client.SendAsync(HttpMethod.Post, "/api/v1/me/tokens", new { name = "longer", scopes = new[] { "read" } })).AssertProblemAsync(400);
        var unknown = await (await client.SendAsync(HttpMethod.Post, "/api/v1/me/tokens", new { name = "odd", scopes = new[] { "root; rm -rf /" } })).AssertProblemAsync(400);
        var made = await client.SendAsync(HttpMethod.Post, "/api/v1/me/tokens", new { name = "ci", scopes = new[] { "read" }, expiresAt = expires.AddHours(-1) });
        var body = await made.JsonAsync();
        var secret = body.GetProperty("secret").GetString()!;
        var works = await _app.TokenClient(secret).GetAsync("/api/v1/me");
        var listed = await (await client.GetAsync("/api/v1/me/tokens")).Content.ReadAsStringAsync();
        var revoked = await client.SendAsync(HttpMethod.Delete, $"/api/v1/me/tokens/{body.GetProperty("token").GetProperty("id").GetString()}");
        var refused = await _app.TokenClient(secret).GetAsync("/api/v1/me");

        Assert.True(wider.GetProperty("errors").TryGetProperty("scopes", out _), wider.ToString());
        Assert.True(longer.GetProperty("errors").TryGetProperty("expiresAt", out _), longer.ToString());
        Assert.True(unknown.GetProperty("errors").TryGetProperty("scopes", out _), unknown.ToString());
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        Assert.Equal(HttpStatusCode.OK, works.StatusCode);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        Assert.Contains("\"ci\"", listed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task The_audit_log_pages_by_keyset_without_repeats_or_gaps_while_events_are_recorded()
    {
        var admin = await _app.CreateUserAsync(UserRole.Admin);
        var client = _app.TokenClient(await _app.CreateTokenAsync(admin, ApiScope.Read | ApiScope.Admin));
        var audit = _app.Get<IAuditLog>();
        for (var i = 0; i < 7; i++)
        {
            await audit.RecordAsync(new AuditEvent { OccurredAt = DateTimeOffset.UtcNow, Action = "test.paged", Detail = $"event {i}" });
        }

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await (await client.GetAsync("/api/v1/audit-log?limit=3" + (cursor is null ? "" : "&cursor=" + cursor))).JsonAsync();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()));
            cursor = page.GetProperty("nextCursor").GetString();
            if (pages++ == 0)
            {
                // Recorded after the first page: newer than it, so no later page shows it and none shifts.
                await audit.RecordAsync(new AuditEvent { OccurredAt = DateTimeOffset.UtcNow, Action = "test.paged", Detail = "late" });
            }
        }
        while (cursor is not null && pages < 100);

        var all = (await audit.ListRecentAsync(1000)).Select(e => e.Id).ToList();
        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(seen.OrderByDescending(i => i), seen);
        Assert.Equal(all.Skip(1).ToList(), seen);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=100000", "limit")]
    [InlineData("cursor=..%2F..%2Fetc", "cursor")]
    [InlineData("cursor=--all", "cursor")]
    [InlineData("cursor=azo6LTE", "cursor")] // "k:-1"
    public async Task A_bad_audit_page_request_is_400_naming_the_parameter(string query, string field)
    {
        var admin = await _app.CreateUserAsync(UserRole.Admin);
        var client = _app.TokenClient(await _app.CreateTokenAsync(admin, ApiScope.Read | ApiScope.Admin));

        var problem = await (await client.GetAsync("/api/v1/audit-log?" + query)).AssertProblemAsync(400);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Env_text_is_previewed_then_applied_as_literal_values_and_an_unreadable_line_stores_nothing()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Import");
        var client = await ClientAsync(Everything);
        var path = $"/api/v1/applications/{world.Application.Id}/variables";
        const string Text = "SHELL_LOOKING=$(rm -rf /); echo `id`\nexport PLAIN=changed\n";

        var preview = await (await client.SendAsync(HttpMethod.Post, path + "/import?dryRun=true", new { text = Text })).JsonAsync();
        var afterPreview = await (await client.GetAsync(path)).Content.ReadAsStringAsync();
        var applied = await client.SendAsync(HttpMethod.Post, path + "/import", new { text = Text });
        var bad = await (await client.SendAsync(HttpMethod.Post, path + "/import", new { text = "GOOD=1\n../../etc=x\n" })).AssertProblemAsync(400);
        var stored = await (await client.GetAsync(path)).JsonAsync();

        Assert.True(preview.GetProperty("dryRun").GetBoolean());
        Assert.DoesNotContain("SHELL_LOOKING", afterPreview, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.True(bad.GetProperty("errors").TryGetProperty("paste", out _), bad.ToString());
        var items = stored.GetProperty("items").EnumerateArray().ToDictionary(v => v.GetProperty("key").GetString()!, v => v.GetProperty("value").GetString());
        Assert.Equal("$(rm -rf /); echo `id`", items["SHELL_LOOKING"]);
        Assert.Equal("changed", items["PLAIN"]);
        Assert.DoesNotContain("GOOD", items.Keys);
    }

    [Theory]
    [InlineData("tail=-1", "tail")]
    [InlineData("tail=99999999", "tail")]
    [InlineData("follow=true&timeout=0", "timeout")]
    [InlineData("follow=true&timeout=86400", "timeout")]
    [InlineData("timeout=5", "timeout")]
    public async Task A_bad_log_request_is_400_naming_the_parameter(string query, string field)
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Logs");
        var client = await ClientAsync(Everything);

        var problem = await (await client.GetAsync($"/api/v1/applications/{world.Application.Id}/logs?{query}")).AssertProblemAsync(400);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("--all")]
    [InlineData("danglingImages;ls")]
    [InlineData("42")]
    public async Task A_bad_prune_kind_is_400_naming_it(string kind)
    {
        var admin = await _app.CreateUserAsync(UserRole.Admin);
        var client = _app.TokenClient(await _app.CreateTokenAsync(admin, ApiScope.Read | ApiScope.Admin));

        var problem = await (await client.GetAsync($"/api/v1/docker/prune/{Uri.EscapeDataString(kind)}")).AssertProblemAsync(400);

        Assert.True(problem.GetProperty("errors").TryGetProperty("kind", out _), problem.ToString());
    }

    private async Task<HttpClient> ClientAsync(ApiScope scopes) => _app.TokenClient(await _app.CreateTokenAsync(_owner, scopes));
}
