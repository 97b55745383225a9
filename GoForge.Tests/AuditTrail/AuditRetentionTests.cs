using System.Reflection;
using Dapper;
using GoForge.Core.Auditing;
using GoForge.Core.AuditTrail;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace GoForge.Tests.AuditTrail;

/// <summary>
/// "Keep audit events for N days" and the daily prune on real PostgreSQL, with a fake clock (docs/decisions/audit-log.md,
/// "Retention"). One database for the class; each test reads only the events it wrote.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AuditRetentionTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 3, 0, 0, TimeSpan.Zero));
    private TestHost _host = null!;
    private Actor _admin = null!;

    private AuditRetention Retention => _host.Get<AuditRetention>();

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "auditretention", services: s => s.AddSingleton<TimeProvider>(_time));
        _admin = Actor.From(await TestUsers.CreateAsync(_host, UserRole.Admin));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_prune_deletes_events_older_than_the_retention_in_batches_keeps_newer_ones_and_records_the_count_and_cut_off()
    {
        Assert.True((await Retention.SaveAsync(_admin, new AuditRetentionInput(90))).IsSuccess);
        var now = _time.GetUtcNow();
        // More old events than one batch holds, so the prune needs a second statement.
        await using (var conn = new NpgsqlConnection(_host.ConnectionString))
        {
            await conn.ExecuteAsync(
                "INSERT INTO audit_events (occurred_at, action, target) SELECT @at - make_interval(secs => n), 'retention.old', 'test' FROM generate_series(1, @count) n",
                new { at = now.AddDays(-90).AddMinutes(-1), count = AuditPrune.BatchSize + 7 });
        }

        await RecordAsync(now.AddDays(-89), "retention.recent");
        await RecordAsync(now.AddDays(-90).AddMinutes(1), "retention.edge");

        var removed = await _host.Get<AuditPrune>().RunAsync();

        Assert.Equal(AuditPrune.BatchSize + 7, removed);
        Assert.Equal(0, await CountAsync("retention.old"));
        Assert.Equal(1, await CountAsync("retention.recent"));
        Assert.Equal(1, await CountAsync("retention.edge"));
        var pruned = Assert.Single(await EventsAsync(AuditActions.AuditPruned));
        Assert.Null(pruned.ActorUserId);
        Assert.Equal($"{AuditPrune.BatchSize + 7} events before 2026-09-08 03:00:00Z removed (kept for 90 days)", pruned.Detail);

        // A pass that removes nothing records nothing.
        Assert.Equal(0, await _host.Get<AuditPrune>().RunAsync());
        Assert.Single(await EventsAsync(AuditActions.AuditPruned));
    }

    [Fact]
    public async Task The_default_is_365_days_and_a_change_is_audited_with_the_value_before_and_after()
    {
        var fresh = (await Retention.GetAsync(_admin)).Value!;
        Assert.True(fresh.Saved || fresh.Days == AuditRetention.DefaultDays);

        Assert.True((await Retention.SaveAsync(_admin, new AuditRetentionInput(400))).IsSuccess);
        var view = (await Retention.SaveAsync(_admin, new AuditRetentionInput(730))).Value!;

        Assert.Equal(730, view.Days);
        Assert.True(view.Saved);
        Assert.Equal(730, await Retention.DaysAsync());
        var changed = (await EventsAsync(AuditActions.AuditRetentionChanged))[^1];
        Assert.Equal(_admin.UserId, changed.ActorUserId);
        Assert.Equal("before: 400 days; after: 730 days", changed.Detail);
    }

    [Theory]
    [InlineData(AuditRetention.MinDays - 1)]
    [InlineData(AuditRetention.MaxDays + 1)]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task A_retention_out_of_bounds_is_refused_with_a_field_error_and_nothing_changes(int days)
    {
        var before = await Retention.DaysAsync();
        var events = (await EventsAsync(AuditActions.AuditRetentionChanged)).Count;

        var result = await Retention.SaveAsync(_admin, new AuditRetentionInput(days));

        Assert.Equal(ErrorKind.Validation, result.Error?.Kind);
        Assert.Contains(nameof(AuditRetentionInput.Days), result.Error!.FieldErrors.Keys);
        Assert.Equal(before, await Retention.DaysAsync());
        Assert.Equal(events, (await EventsAsync(AuditActions.AuditRetentionChanged)).Count);
    }

    private Task RecordAsync(DateTimeOffset at, string action) =>
        _host.Get<IAuditLog>().RecordAsync(new AuditEvent { OccurredAt = at, Action = action, Target = "test" });

    private async Task<int> CountAsync(string action)
    {
        await using var conn = new NpgsqlConnection(_host.ConnectionString);
        return await conn.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_events WHERE action = @action", new { action });
    }

    private async Task<List<AuditEvent>> EventsAsync(string action)
    {
        await using var conn = new NpgsqlConnection(_host.ConnectionString);
        return (await conn.QueryAsync<AuditEvent>(
            "SELECT id, occurred_at, actor_user_id, action, target, client_address, detail, project_id FROM audit_events WHERE action = @action ORDER BY id",
            new { action })).AsList();
    }
}

/// <summary>
/// The authorization matrix of the retention setting: every public method of <see cref="AuditRetention"/> that takes an
/// <see cref="Actor"/> is listed (a new one fails until it is), and each refuses members and project-restricted tokens,
/// an administrator's too. The API's side is in <c>ApiEndpointCases</c>.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AuditRetentionAuthorizationMatrixTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(postgres, "auditretention-authz");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Dictionary<string, Func<Actor, Task<Error?>>> AdminCalls()
    {
        var retention = _host.Get<AuditRetention>();
        return new()
        {
            ["AuditRetention.GetAsync"] = async a => (await retention.GetAsync(a)).Error,
            ["AuditRetention.SaveAsync"] = async a => (await retention.SaveAsync(a, new AuditRetentionInput(31))).Error,
        };
    }

    [Fact]
    public void Every_retention_method_that_takes_an_actor_is_in_the_matrix()
    {
        var methods = typeof(AuditRetention).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(Actor)))
            .Select(m => $"{nameof(AuditRetention)}.{m.Name}")
            .ToHashSet();

        Assert.Empty(methods.Except(AdminCalls().Keys));
    }

    [Fact]
    public async Task Members_and_project_restricted_admin_tokens_are_refused_and_the_setting_stays()
    {
        var member = Actor.From(await TestUsers.CreateAsync(_host));
        var restrictedAdmin = Actor.From(await TestUsers.CreateAsync(_host, UserRole.Admin)) with { ProjectRestriction = Guid.NewGuid() };

        foreach (var (name, call) in AdminCalls())
        {
            Assert.True((await call(member))?.Kind == ErrorKind.Forbidden, $"{name} let a member through");
            Assert.True((await call(restrictedAdmin))?.Kind == ErrorKind.Forbidden, $"{name} let a project-restricted token through");
        }

        Assert.Equal(AuditRetention.DefaultDays, await _host.Get<AuditRetention>().DaysAsync());
        Assert.Null(await _host.Get<IAuditRetentionRepository>().GetAsync());
        Assert.True((await _host.Get<AuditRetention>().SaveAsync(Actor.Operator, new AuditRetentionInput(31))).IsSuccess);
    }
}
