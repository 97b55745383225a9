using Dapper;
using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace GoForge.Tests.Api;

[Collection(PostgresCollection.Name)]
public sealed class ApiTokenServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private TestHost _host = null!;

    private ApiTokenService Tokens => _host.Get<ApiTokenService>();

    public async Task InitializeAsync() =>
        _host = await TestHost.StartAsync(postgres, "apitokens", services: services => services.AddSingleton<TimeProvider>(_time));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public void Generated_tokens_have_the_prefix_43_base64url_characters_and_differ()
    {
        var first = ApiTokenFormat.Generate();
        var second = ApiTokenFormat.Generate();

        Assert.StartsWith("gf_", first, StringComparison.Ordinal);
        Assert.Equal(46, first.Length);
        Assert.Matches("^gf_[A-Za-z0-9_-]{43}$", first);
        Assert.NotEqual(first, second);
        Assert.True(ApiTokenFormat.LooksLikeToken(first));
        Assert.False(ApiTokenFormat.LooksLikeToken(first[..^1]));
        Assert.False(ApiTokenFormat.LooksLikeToken("xx_" + first[3..]));
        Assert.False(ApiTokenFormat.LooksLikeToken(first[..^1] + "+"));
    }

    [Fact]
    public async Task Only_the_SHA256_of_a_token_is_stored_and_the_token_authenticates_its_user()
    {
        var user = await TestUsers.CreateAsync(_host);
        var created = (await Tokens.CreateAsync(Actor.From(user), new ApiTokenInput { Name = " CI ", Scopes = ApiScope.Read | ApiScope.Deploy })).Value!;

        await using var conn = await _host.Get<NpgsqlDataSource>().OpenConnectionAsync();
        var stored = await conn.QuerySingleAsync<byte[]>("SELECT token_hash FROM api_tokens WHERE id = @Id", new { created.Token.Id });
        var row = string.Join("|", (await conn.QuerySingleAsync("SELECT * FROM api_tokens WHERE id = @Id", new { created.Token.Id }) as IDictionary<string, object?>)!.Values);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(created.Secret)), stored);
        Assert.DoesNotContain(created.Secret[3..], row, StringComparison.Ordinal);
        Assert.Equal("CI", created.Token.Name);

        var caller = await Tokens.AuthenticateAsync(created.Secret);
        Assert.True(caller.IsSuccess);
        Assert.Equal(user.Id, caller.Value.User.Id);
        Assert.Equal(ApiScope.Read | ApiScope.Deploy, caller.Value.Token.Scopes);
    }

    [Fact]
    public async Task Unknown_and_malformed_tokens_are_unauthorized()
    {
        Assert.Equal(ErrorKind.Unauthorized, (await Tokens.AuthenticateAsync(ApiTokenFormat.Generate())).Error!.Kind);
        Assert.Equal(ErrorKind.Unauthorized, (await Tokens.AuthenticateAsync("gf_short")).Error!.Kind);
        Assert.Equal(ErrorKind.Unauthorized, (await Tokens.AuthenticateAsync(null)).Error!.Kind);
    }

    [Fact]
    public async Task A_token_works_until_its_expiry_and_not_at_it()
    {
        var user = await TestUsers.CreateAsync(_host);
        var created = (await Tokens.CreateAsync(Actor.From(user), new ApiTokenInput { Name = "short", ExpiresAt = _time.GetUtcNow().AddHours(1) })).Value!;

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.True((await Tokens.AuthenticateAsync(created.Secret)).IsSuccess);
        _time.Advance(TimeSpan.FromMinutes(1));
        var expired = await Tokens.AuthenticateAsync(created.Secret);

        Assert.Equal(ErrorKind.Unauthorized, expired.Error!.Kind);
        Assert.Equal(ApiTokenService.ExpiredMessage, expired.Error.Message);
    }

    [Fact]
    public async Task A_revoked_token_and_a_disabled_users_token_are_refused()
    {
        var user = await TestUsers.CreateAsync(_host);
        var revoked = (await Tokens.CreateAsync(Actor.From(user), new ApiTokenInput { Name = "gone" })).Value!;
        Assert.True((await Tokens.RevokeAsync(Actor.From(user), revoked.Token.Id)).IsSuccess);
        var other = await TestUsers.CreateAsync(_host);
        var disabledOwners = (await Tokens.CreateAsync(Actor.From(other), new ApiTokenInput { Name = "owner disabled" })).Value!;
        await _host.Get<IUserRepository>().SetDisabledAsync(other.Id, true, _time.GetUtcNow());

        Assert.Equal(ApiTokenService.RevokedMessage, (await Tokens.AuthenticateAsync(revoked.Secret)).Error!.Message);
        Assert.Equal(ErrorKind.Unauthorized, (await Tokens.AuthenticateAsync(disabledOwners.Secret)).Error!.Kind);
        var listed = Assert.Single(await Tokens.ListAsync(Actor.From(user)));
        Assert.True(listed.Token.IsRevoked);
    }

    [Fact]
    public async Task Last_used_is_written_at_most_once_a_minute()
    {
        var user = await TestUsers.CreateAsync(_host);
        var created = (await Tokens.CreateAsync(Actor.From(user), new ApiTokenInput { Name = "busy" })).Value!;
        var start = _time.GetUtcNow();

        await Tokens.AuthenticateAsync(created.Secret);
        _time.Advance(TimeSpan.FromSeconds(30));
        await Tokens.AuthenticateAsync(created.Secret);
        var afterThirtySeconds = await LastUsedAsync(user, created.Token.Id);
        _time.Advance(TimeSpan.FromSeconds(31));
        await Tokens.AuthenticateAsync(created.Secret);
        var afterAMinute = await LastUsedAsync(user, created.Token.Id);

        Assert.Equal(start, afterThirtySeconds);
        Assert.Equal(start.AddSeconds(61), afterAMinute);
    }

    [Fact]
    public async Task Invalid_input_is_refused_field_by_field_and_nothing_is_stored()
    {
        var member = await TestUsers.CreateAsync(_host);
        var outsider = await TestUsers.CreateAsync(_host);
        var (project, _) = await _host.Services.CreateProjectAsync(Actor.From(outsider), "Not yours");

        var result = await Tokens.CreateAsync(Actor.From(member), new ApiTokenInput
        {
            Name = "  ",
            Scopes = ApiScope.Admin,
            ExpiresAt = _time.GetUtcNow().AddMinutes(-1),
            ProjectId = project.Id,
        });
        var unknownScope = await Tokens.CreateAsync(Actor.From(member), new ApiTokenInput { Name = "x", Scopes = (ApiScope)64 });
        var noScope = await Tokens.CreateAsync(Actor.From(member), new ApiTokenInput { Name = "x", Scopes = ApiScope.None });
        var tooLong = await Tokens.CreateAsync(Actor.From(member), new ApiTokenInput { Name = new string('a', ApiTokenRules.NameMaxLength + 1) });

        Assert.Equal(ErrorKind.Validation, result.Error!.Kind);
        Assert.Equal(["ExpiresAt", "Name", "ProjectId", "Scopes"], result.Error.FieldErrors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("administrators", result.Error.FieldErrors["Scopes"][0], StringComparison.Ordinal);
        Assert.True(unknownScope.Error!.FieldErrors.ContainsKey("Scopes"));
        Assert.True(noScope.Error!.FieldErrors.ContainsKey("Scopes"));
        Assert.True(tooLong.Error!.FieldErrors.ContainsKey("Name"));
        Assert.Empty(await Tokens.ListAsync(Actor.From(member)));
    }

    [Fact]
    public async Task A_project_restriction_needs_a_project_the_user_is_in_and_the_admin_scope_cannot_be_restricted()
    {
        var admin = await TestUsers.CreateAsync(_host, UserRole.Admin);
        var member = await TestUsers.CreateAsync(_host);
        var (project, _) = await _host.Services.CreateProjectAsync(Actor.From(member), "Shop");

        var restricted = await Tokens.CreateAsync(Actor.From(member), new ApiTokenInput { Name = "shop", ProjectId = project.Id });
        var missing = await Tokens.CreateAsync(Actor.From(member), new ApiTokenInput { Name = "nothing", ProjectId = Guid.NewGuid() });
        var adminRestricted = await Tokens.CreateAsync(Actor.From(admin), new ApiTokenInput { Name = "a", Scopes = ApiScope.Admin, ProjectId = project.Id });
        var adminToken = await Tokens.CreateAsync(Actor.From(admin), new ApiTokenInput { Name = "a", Scopes = ApiScope.Admin | ApiScope.Read });

        Assert.True(restricted.IsSuccess);
        Assert.Equal(project.Id, (await Tokens.AuthenticateAsync(restricted.Value.Secret)).Value!.ToActor().ProjectRestriction);
        Assert.True(missing.Error!.FieldErrors.ContainsKey("ProjectId"));
        Assert.True(adminRestricted.Error!.FieldErrors.ContainsKey("Scopes"));
        Assert.True((await Tokens.AuthenticateAsync(adminToken.Value!.Secret)).Value!.ToActor().IsAdmin);
    }

    [Fact]
    public async Task An_administrators_token_without_the_admin_scope_acts_as_a_member()
    {
        var admin = await TestUsers.CreateAsync(_host, UserRole.Admin);
        var created = (await Tokens.CreateAsync(Actor.From(admin), new ApiTokenInput { Name = "read only", Scopes = ApiScope.Read })).Value!;

        var actor = (await Tokens.AuthenticateAsync(created.Secret)).Value!.ToActor();

        Assert.False(actor.IsAdmin);
        Assert.Equal(ErrorKind.Forbidden, (await _host.Get<UserAdministration>().ListAsync(actor)).Error!.Kind);
    }

    [Fact]
    public async Task Revoking_someone_elses_token_is_not_found_unless_an_administrator_does_it_and_both_are_audited()
    {
        var owner = await TestUsers.CreateAsync(_host);
        var stranger = await TestUsers.CreateAsync(_host);
        var admin = await TestUsers.CreateAsync(_host, UserRole.Admin);
        var created = (await Tokens.CreateAsync(Actor.From(owner), new ApiTokenInput { Name = "owned" })).Value!;

        var byStranger = await Tokens.RevokeAsync(Actor.From(stranger), created.Token.Id);
        var stillWorks = await Tokens.AuthenticateAsync(created.Secret);
        var byAdmin = await Tokens.RevokeAsync(Actor.From(admin), created.Token.Id);

        Assert.Equal(ErrorKind.NotFound, byStranger.Error!.Kind);
        Assert.True(stillWorks.IsSuccess);
        Assert.True(byAdmin.IsSuccess);
        Assert.False((await Tokens.AuthenticateAsync(created.Secret)).IsSuccess);
        var audit = await _host.Get<IAuditLog>().ListRecentAsync(20);
        Assert.Contains(audit, e => e.Action == AuditActions.ApiTokenCreated && e.ActorUserId == owner.Id && e.Target == $"api_token:{created.Token.Id}");
        Assert.Contains(audit, e => e.Action == AuditActions.ApiTokenRevoked && e.ActorUserId == admin.Id);
        Assert.DoesNotContain(audit, e => (e.Detail ?? string.Empty).Contains(created.Secret[3..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_restricted_actor_sees_only_its_project_and_other_projects_are_not_found()
    {
        var member = await TestUsers.CreateAsync(_host);
        var (mine, _) = await _host.Services.CreateProjectAsync(Actor.From(member), "Mine");
        var (other, _) = await _host.Services.CreateProjectAsync(Actor.From(member), "Other");
        var actor = Actor.From(member) with { ProjectRestriction = mine.Id };
        var projects = _host.Get<ProjectService>();

        var listed = await projects.ListAsync(actor);
        var hidden = await projects.GetAsync(actor, other.Id);
        var created = await projects.CreateAsync(actor, new ProjectInput("New", null));

        Assert.Equal([mine.Id], listed.Select(p => p.Project.Id));
        Assert.Equal(ErrorKind.NotFound, hidden.Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, created.Error!.Kind);
        Assert.True((await projects.GetAsync(actor, mine.Id)).IsSuccess);
    }

    private async Task<DateTimeOffset?> LastUsedAsync(User user, Guid tokenId) =>
        (await Tokens.ListAsync(Actor.From(user))).Single(t => t.Token.Id == tokenId).Token.LastUsedAt;
}
