using GoForge.Core.Auditing;
using GoForge.Core.Identity;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Persistence;

[Collection(PostgresCollection.Name)]
public sealed class IdentityRepositoryTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(postgres, "repos");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task User_round_trips_every_field()
    {
        var users = _host.Get<IUserRepository>();
        var created = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1230);
        var user = new User
        {
            Id = Guid.NewGuid(),
            Login = "round.trip",
            DisplayName = "Zoë Ünïcode 🚀",
            PasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
            Role = UserRole.Admin,
            GitHubId = 123456789012,
            IsDisabled = true,
            Theme = ThemePreference.Dark,
            CreatedAt = created,
            UpdatedAt = created.AddMinutes(1),
        };

        Assert.True(await users.TryCreateAsync(user));

        Assert.Equal(user, await users.GetByIdAsync(user.Id));
        Assert.Equal(user, await users.GetByLoginAsync("ROUND.TRIP"));
    }

    [Fact]
    public async Task Duplicate_login_is_refused_and_the_first_user_is_unchanged()
    {
        var users = _host.Get<IUserRepository>();
        var first = await TestUsers.CreateAsync(_host, login: "twin");
        var second = first with { Id = Guid.NewGuid(), DisplayName = "Other" };

        Assert.False(await users.TryCreateAsync(second));
        Assert.Equal("Test User", (await users.GetByLoginAsync("twin"))!.DisplayName);
        Assert.Null(await users.GetByIdAsync(second.Id));
    }

    [Fact]
    public async Task Updates_change_only_their_column()
    {
        var users = _host.Get<IUserRepository>();
        var user = await TestUsers.CreateAsync(_host);
        var now = DateTimeOffset.UtcNow;

        Assert.True(await users.UpdateRoleAsync(user.Id, UserRole.Admin, now));
        Assert.True(await users.SetThemeAsync(user.Id, ThemePreference.Light, now));
        Assert.True(await users.SetDisabledAsync(user.Id, true, now));
        Assert.True(await users.UpdateDisplayNameAsync(user.Id, "Renamed", now));
        Assert.False(await users.UpdateRoleAsync(Guid.NewGuid(), UserRole.Admin, now));

        var read = await users.GetByIdAsync(user.Id);
        Assert.NotNull(read);
        Assert.Equal(UserRole.Admin, read.Role);
        Assert.Equal(ThemePreference.Light, read.Theme);
        Assert.True(read.IsDisabled);
        Assert.Equal("Renamed", read.DisplayName);
        Assert.Equal(user.PasswordHash, read.PasswordHash);
        Assert.Equal(user.Login, read.Login);
    }

    [Fact]
    public async Task Sessions_round_trip_and_revoking_all_keeps_only_the_named_one()
    {
        var sessions = _host.Get<IUserSessionRepository>();
        var user = await TestUsers.CreateAsync(_host);
        var now = DateTimeOffset.UtcNow;
        var a = NewSession(user.Id, now);
        var b = NewSession(user.Id, now);
        var c = NewSession(user.Id, now);
        foreach (var s in new[] { a, b, c })
        {
            await sessions.CreateAsync(s);
        }

        Assert.Equal(a, await sessions.GetAsync(a.Id));
        Assert.Equal(2, await sessions.RevokeAllForUserAsync(user.Id, now, keep: b.Id));

        Assert.NotNull((await sessions.GetAsync(a.Id))!.RevokedAt);
        Assert.Null((await sessions.GetAsync(b.Id))!.RevokedAt);
        Assert.NotNull((await sessions.GetAsync(c.Id))!.RevokedAt);
    }

    [Fact]
    public async Task Touch_moves_expiry_but_never_revives_a_revoked_session()
    {
        var sessions = _host.Get<IUserSessionRepository>();
        var user = await TestUsers.CreateAsync(_host);
        var now = DateTimeOffset.UtcNow;
        var live = NewSession(user.Id, now);
        var revoked = NewSession(user.Id, now);
        await sessions.CreateAsync(live);
        await sessions.CreateAsync(revoked);
        await sessions.RevokeAsync(revoked.Id, now);

        var later = now.AddMinutes(5);
        await sessions.TouchAsync(live.Id, later, later.AddHours(1));
        await sessions.TouchAsync(revoked.Id, later, later.AddHours(1));

        var touched = await sessions.GetAsync(live.Id);
        Assert.Equal(later.AddHours(1).ToUnixTimeMilliseconds(), touched!.ExpiresAt.ToUnixTimeMilliseconds());
        Assert.Equal(revoked.ExpiresAt.ToUnixTimeMilliseconds(), (await sessions.GetAsync(revoked.Id))!.ExpiresAt.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Audit_events_come_back_newest_first()
    {
        var audit = _host.Get<IAuditLog>();
        var user = await TestUsers.CreateAsync(_host);
        await audit.RecordAsync(new AuditEvent { OccurredAt = DateTimeOffset.UtcNow, ActorUserId = user.Id, Action = "test.first", Target = "x" });
        await audit.RecordAsync(new AuditEvent { OccurredAt = DateTimeOffset.UtcNow, Action = "test.second", Detail = "d", ClientAddress = "::1" });

        var recent = await audit.ListRecentAsync(2);

        Assert.Equal(["test.second", "test.first"], recent.Select(e => e.Action));
        Assert.Equal(user.Id, recent[1].ActorUserId);
        Assert.Equal("::1", recent[0].ClientAddress);
    }

    private static UserSession NewSession(Guid userId, DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(),
        UserId = userId,
        CreatedAt = TruncateToMicroseconds(now),
        LastSeenAt = TruncateToMicroseconds(now),
        ExpiresAt = TruncateToMicroseconds(now.AddHours(1)),
        ClientAddress = "127.0.0.1",
        UserAgent = "tests",
    };

    // PostgreSQL keeps microseconds; .NET ticks are 100 ns.
    private static DateTimeOffset TruncateToMicroseconds(DateTimeOffset value) =>
        new(value.Ticks - (value.Ticks % 10), value.Offset);
}
