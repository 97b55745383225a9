using System.Net;
using System.Text.Json;
using GoForge.Core.Auditing;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace GoForge.Tests.Api;

/// <summary>
/// What the /api/v1/users endpoints do beyond authorization (the matrix covers scopes): the accounts they make and
/// change, the input they refuse, and that Core's own administrator check stands behind the <c>admin</c> scope.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiUserTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string NewPassword = "a fresh pass phrase for the api";

    private GoForgeApp _app = null!;
    private User _admin = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await GoForgeApp.StartAsync(postgres, "apiusers", services: GoForgeApp.WithoutDeploymentWorker);
        _admin = await _app.CreateUserAsync(UserRole.Admin);
        _client = _app.TokenClient(await _app.CreateTokenAsync(_admin, ApiScope.Admin));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_administrator_creates_a_member_without_exposing_the_hash_and_it_is_listed_and_signs_in()
    {
        var created = await _client.SendAsync(HttpMethod.Post, "/api/v1/users", new { login = "new.person", displayName = "New Person", password = NewPassword });
        var text = await created.Content.ReadAsStringAsync();
        var json = JsonDocument.Parse(text).RootElement;
        var id = json.GetProperty("id").GetString();
        var listed = await (await _client.GetAsync("/api/v1/users?limit=200")).JsonAsync();
        var stored = await _app.Get<IUserRepository>().GetByLoginAsync("new.person");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/users/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("new.person", json.GetProperty("login").GetString());
        Assert.Equal("New Person", json.GetProperty("displayName").GetString());
        Assert.Equal("member", json.GetProperty("role").GetString());
        Assert.False(json.GetProperty("disabled").GetBoolean());
        Assert.True(json.GetProperty("hasPassword").GetBoolean());
        Assert.DoesNotContain(json.EnumerateObject(), p => p.Name.Contains("hash", StringComparison.OrdinalIgnoreCase)
            || p.Name.Equals("password", StringComparison.OrdinalIgnoreCase));
        Assert.NotNull(stored?.PasswordHash);
        Assert.DoesNotContain(stored.PasswordHash, text, StringComparison.Ordinal);
        Assert.DoesNotContain(NewPassword, text, StringComparison.Ordinal);
        Assert.DoesNotContain("argon2", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), u => u.GetProperty("id").GetString() == id);
        Assert.All(listed.GetProperty("items").EnumerateArray(), u => Assert.False(u.TryGetProperty("passwordHash", out _)));
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync("new.person", NewPassword)).StatusCode);
    }

    [Theory]
    [InlineData("role", "root", NewPassword, "root")]
    [InlineData("role", "mallory", NewPassword, "Admin;rm -rf /")]
    [InlineData("role", "mallory", NewPassword, "")]
    [InlineData("password", "mallory", "short pass", null)]
    [InlineData("password", "mallory", "            ", null)]
    [InlineData("login", "bob;rm -rf /", NewPassword, null)]
    [InlineData("login", "$(reboot)", NewPassword, null)]
    [InlineData("login", "a`id`b", NewPassword, null)]
    [InlineData("login", "x|y&z", NewPassword, null)]
    [InlineData("login", "../../etc/passwd", NewPassword, null)]
    [InlineData("login", "..admin", NewPassword, null)]
    [InlineData("login", "-rf", NewPassword, null)]
    [InlineData("login", "--help", NewPassword, null)]
    public async Task Hostile_or_invalid_input_is_a_400_naming_the_field_and_creates_nothing(string field, string login, string password, string? role)
    {
        var before = (await _app.Get<IUserRepository>().ListAsync()).Count;

        var problem = await (await _client.SendAsync(HttpMethod.Post, "/api/v1/users", new { login, password, role })).AssertProblemAsync(400);

        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.NotEmpty(problem.GetProperty("errors").GetProperty(field).EnumerateArray());
        Assert.Equal(before, (await _app.Get<IUserRepository>().ListAsync()).Count);
    }

    [Fact]
    public async Task An_oversized_login_and_a_taken_login_in_any_case_are_400_on_login_and_create_nothing()
    {
        var before = (await _app.Get<IUserRepository>().ListAsync()).Count;

        var oversized = await (await _client.SendAsync(HttpMethod.Post, "/api/v1/users",
            new { login = new string('a', UserInputRules.LoginMaxLength + 1), password = NewPassword })).AssertProblemAsync(400);
        var taken = await (await _client.SendAsync(HttpMethod.Post, "/api/v1/users",
            new { login = " " + _admin.Login.ToUpperInvariant() + " ", password = NewPassword, role = "admin" })).AssertProblemAsync(400);

        Assert.Equal(["login"], oversized.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(["login"], taken.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(before, (await _app.Get<IUserRepository>().ListAsync()).Count);
        Assert.Equal(_admin.PasswordHash, (await _app.Get<IUserRepository>().GetByIdAsync(_admin.Id))!.PasswordHash);
    }

    [Fact]
    public async Task A_role_changes_to_admin_and_back_but_the_last_active_administrator_cannot_be_demoted()
    {
        var member = await _app.CreateUserAsync();

        var promoted = await _client.SendAsync(HttpMethod.Put, $"/api/v1/users/{member.Id}/role", new { role = "admin" });
        var promotedJson = await promoted.JsonAsync();
        var demoted = await _client.SendAsync(HttpMethod.Put, $"/api/v1/users/{member.Id}/role", new { role = "member" });
        var demotedJson = await demoted.JsonAsync();
        var last = await (await _client.SendAsync(HttpMethod.Put, $"/api/v1/users/{_admin.Id}/role", new { role = "member" })).AssertProblemAsync(409);
        var self = await (await _client.GetAsync($"/api/v1/users/{_admin.Id}")).JsonAsync();

        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        Assert.Equal("admin", promotedJson.GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.OK, demoted.StatusCode);
        Assert.Equal("member", demotedJson.GetProperty("role").GetString());
        Assert.Contains("last administrator", last.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("admin", self.GetProperty("role").GetString());
        Assert.Equal(UserRole.Admin, (await _app.Get<IUserRepository>().GetByIdAsync(_admin.Id))!.Role);
    }

    [Fact]
    public async Task A_disabled_users_token_and_sign_in_are_refused_until_enabled_and_an_administrator_cannot_disable_themselves()
    {
        var member = await _app.CreateUserAsync();
        var memberClient = _app.TokenClient(await _app.CreateTokenAsync(member, ApiScope.Read));
        await _app.CreateUserAsync(UserRole.Admin);
        Assert.Equal(HttpStatusCode.OK, (await memberClient.GetAsync("/api/v1/me")).StatusCode);

        var disabled = await _client.SendAsync(HttpMethod.Post, $"/api/v1/users/{member.Id}/disable");
        var disabledJson = await disabled.JsonAsync();
        var meWhileDisabled = await memberClient.GetAsync("/api/v1/me");
        var signInWhileDisabled = await SignInAsync(member.Login, TestUsers.Password);
        var enabled = await _client.SendAsync(HttpMethod.Post, $"/api/v1/users/{member.Id}/enable");
        var enabledJson = await enabled.JsonAsync();
        var meAfter = await memberClient.GetAsync("/api/v1/me");
        var selfDisable = await (await _client.SendAsync(HttpMethod.Post, $"/api/v1/users/{_admin.Id}/disable")).AssertProblemAsync(409);

        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.True(disabledJson.GetProperty("disabled").GetBoolean());
        await meWhileDisabled.AssertProblemAsync(401);
        Assert.Equal(HttpStatusCode.Unauthorized, signInWhileDisabled.StatusCode);
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        Assert.False(enabledJson.GetProperty("disabled").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, meAfter.StatusCode);
        Assert.Equal(member.Login, (await meAfter.JsonAsync()).GetProperty("login").GetString());
        Assert.Contains("your own account", selfDisable.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False((await _app.Get<IUserRepository>().GetByIdAsync(_admin.Id))!.IsDisabled);
    }

    [Fact]
    public async Task A_password_reset_is_204_and_only_the_new_password_signs_in()
    {
        var member = await _app.CreateUserAsync();

        var reset = await _client.SendAsync(HttpMethod.Put, $"/api/v1/users/{member.Id}/password", new { password = NewPassword });

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(member.Login, TestUsers.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(member.Login, NewPassword)).StatusCode);
    }

    [Fact]
    public async Task An_administrators_password_reset_revokes_every_token_of_the_account_and_audits_it()
    {
        var member = await _app.CreateUserAsync();
        var memberClient = _app.TokenClient(await _app.CreateTokenAsync(member, ApiScope.Read));
        var secondClient = _app.TokenClient(await _app.CreateTokenAsync(member, ApiScope.Read | ApiScope.Write));
        var bystander = _app.TokenClient(await _app.CreateTokenAsync(await _app.CreateUserAsync(), ApiScope.Read));
        Assert.Equal(HttpStatusCode.OK, (await memberClient.GetAsync("/api/v1/me")).StatusCode);

        var reset = await _client.SendAsync(HttpMethod.Put, $"/api/v1/users/{member.Id}/password", new { password = NewPassword });

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        await (await memberClient.GetAsync("/api/v1/me")).AssertProblemAsync(401);
        await (await secondClient.GetAsync("/api/v1/me")).AssertProblemAsync(401);
        Assert.Equal(HttpStatusCode.OK, (await bystander.GetAsync("/api/v1/me")).StatusCode);
        var audited = Assert.Single(await _app.Get<IAuditLog>().ListRecentAsync(50),
            e => e.Action == AuditActions.ApiTokenRevoked && e.Target == $"user:{member.Login}");
        Assert.Equal((_admin.Id, "all 2 API tokens: password reset by an administrator"), (audited.ActorUserId, audited.Detail));
    }

    [Fact]
    public async Task A_members_own_password_change_revokes_their_tokens_while_signing_in_does_not()
    {
        var member = await _app.CreateUserAsync();
        var memberClient = _app.TokenClient(await _app.CreateTokenAsync(member, ApiScope.Read));
        var kept = _app.TokenClient(await _app.CreateTokenAsync(member, ApiScope.Read));
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(member.Login, TestUsers.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await memberClient.GetAsync("/api/v1/me")).StatusCode);

        // The settings page's path: the same Core call the form makes.
        var changed = await _app.Get<AccountService>().ChangePasswordAsync(Actor.From(member), Guid.NewGuid(), TestUsers.Password, NewPassword);

        Assert.True(changed.IsSuccess, changed.Error?.Message);
        await (await memberClient.GetAsync("/api/v1/me")).AssertProblemAsync(401);
        await (await kept.GetAsync("/api/v1/me")).AssertProblemAsync(401);
        var fresh = _app.TokenClient(await _app.CreateTokenAsync(member, ApiScope.Read));
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/api/v1/me")).StatusCode);
        var audited = Assert.Single(await _app.Get<IAuditLog>().ListRecentAsync(50),
            e => e.Action == AuditActions.ApiTokenRevoked && e.Target == $"user:{member.Login}");
        Assert.Equal((member.Id, "all 2 API tokens: password changed"), (audited.ActorUserId, audited.Detail));
    }

    [Fact]
    public async Task A_demoted_administrators_admin_scoped_token_is_refused_by_core_with_403()
    {
        var other = await _app.CreateUserAsync(UserRole.Admin);
        var target = await _app.CreateUserAsync();
        var demotedClient = _app.TokenClient(await _app.CreateTokenAsync(other, ApiScope.Admin));
        Assert.Equal(HttpStatusCode.OK, (await demotedClient.GetAsync("/api/v1/users")).StatusCode);
        var before = (await _app.Get<IUserRepository>().ListAsync()).Count;

        Assert.True((await _app.Get<UserAdministration>().ChangeRoleAsync(Actor.From(_admin), other.Id, UserRole.Member)).IsSuccess);
        var list = await (await demotedClient.GetAsync("/api/v1/users")).AssertProblemAsync(403);
        var create = await (await demotedClient.SendAsync(HttpMethod.Post, "/api/v1/users", new { login = "sneaky", password = NewPassword, role = "admin" })).AssertProblemAsync(403);
        var promote = await (await demotedClient.SendAsync(HttpMethod.Put, $"/api/v1/users/{other.Id}/role", new { role = "admin" })).AssertProblemAsync(403);
        var disable = await (await demotedClient.SendAsync(HttpMethod.Post, $"/api/v1/users/{target.Id}/disable")).AssertProblemAsync(403);

        Assert.All(new[] { list, create, promote, disable }, p => Assert.Equal("Only administrators manage users.", p.GetProperty("detail").GetString()));
        Assert.Equal(before, (await _app.Get<IUserRepository>().ListAsync()).Count);
        Assert.Equal(UserRole.Member, (await _app.Get<IUserRepository>().GetByIdAsync(other.Id))!.Role);
        Assert.False((await _app.Get<IUserRepository>().GetByIdAsync(target.Id))!.IsDisabled);
    }

    [Fact]
    public async Task An_unknown_user_id_is_a_404_problem_on_every_user_endpoint()
    {
        var path = $"/api/v1/users/{Guid.CreateVersion7()}";

        var responses = new[]
        {
            await _client.GetAsync(path),
            await _client.SendAsync(HttpMethod.Put, path + "/role", new { role = "admin" }),
            await _client.SendAsync(HttpMethod.Post, path + "/disable"),
            await _client.SendAsync(HttpMethod.Post, path + "/enable"),
            await _client.SendAsync(HttpMethod.Put, path + "/password", new { password = NewPassword }),
        };

        foreach (var response in responses)
        {
            var problem = await response.AssertProblemAsync(404);
            Assert.Equal("No such user.", problem.GetProperty("detail").GetString());
        }
    }

    /// <summary>Through the real login form, in a fresh cookie jar: 302 when signed in, 401 when refused.</summary>
    private async Task<HttpResponseMessage> SignInAsync(string login, string password)
    {
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        return await FormClient.SignInAsync(browser, login, password);
    }
}
