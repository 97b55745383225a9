using Dapper;
using GoForge.Core.Auditing;
using GoForge.Core.AuditTrail;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Npgsql;

namespace GoForge.Tests.AuditTrail;

/// <summary>
/// The audit log's reading service on real PostgreSQL: filters, keyset paging while events are written, the
/// maintainer's scope, and hostile filter input (docs/decisions/audit-log.md). One database for the class.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AuditLogServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;
    private Actor _admin = null!;
    private Actor _alice = null!;
    private Actor _bob = null!;
    private Project _p1 = null!;
    private Project _p2 = null!;
    private Project _p3 = null!;

    private AuditLogService Audit => _host.Get<AuditLogService>();

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "auditlog");
        _admin = Actor.From(await TestUsers.CreateAsync(_host, UserRole.Admin));
        _alice = Actor.From(await TestUsers.CreateAsync(_host));
        _bob = Actor.From(await TestUsers.CreateAsync(_host));

        // Alice maintains P1 (she made it) and is a viewer of P2 (Bob's); P3 is Bob's alone.
        (_p1, _) = await _host.Services.CreateProjectAsync(_alice, "Audit one");
        (_p2, _) = await _host.Services.CreateProjectAsync(_bob, "Audit two");
        (_p3, _) = await _host.Services.CreateProjectAsync(_bob, "Audit three");
        Assert.True((await _host.Get<MembershipService>().SetAsync(_bob, _p2.Id, _alice.Login, ProjectRole.Viewer)).IsSuccess);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Project_scoped_writers_record_the_project_and_installation_wide_events_record_none()
    {
        var (project, production) = await _host.Services.CreateProjectAsync(_alice, "Writers");
        var app = await _host.Services.CreateApplicationAsync(_alice, production.Id, "shop");
        Assert.True((await _host.Get<VariableService>().SetAsync(_alice, app.Id, new VariableInput("KEY", "v"))).IsSuccess);
        Assert.True((await _host.Get<EnvironmentService>().CreateAsync(_alice, project.Id, "staging")).IsSuccess);
        await _host.Get<IAuditLog>().RecordAsync(new AuditEvent { OccurredAt = DateTimeOffset.UtcNow, Action = AuditActions.ReconcilerContainerStarted, Target = $"application:{app.Id}" });
        await _host.Get<IAuditLog>().RecordAsync(new AuditEvent { OccurredAt = DateTimeOffset.UtcNow, Action = AuditActions.SignedIn, Target = $"user:{_alice.Login}", ActorUserId = _alice.UserId });

        var page = (await Audit.ListAsync(_admin, new AuditLogFilter { ProjectId = project.Id }, null, AuditLogService.MaxPage)).Value!;

        Assert.Equal(
            [AuditActions.ReconcilerContainerStarted, AuditActions.EnvironmentCreated, AuditActions.VariablesSet, AuditActions.ApplicationCreated, AuditActions.ProjectCreated],
            page.Entries.Select(e => e.Event.Action));
        Assert.All(page.Entries, e => Assert.Equal("Writers", e.ProjectName));
        var signIn = (await Audit.ListAsync(_admin, new AuditLogFilter { Action = AuditActions.SignedIn }, null, 10)).Value!.Entries[0];
        Assert.Null(signIn.Event.ProjectId);
        Assert.Equal(_alice.Login, signIn.ActorLogin);
    }

    [Fact]
    public async Task Filters_by_actor_project_exact_action_action_prefix_and_time_range_combine()
    {
        var t0 = new DateTimeOffset(2031, 3, 1, 12, 0, 0, TimeSpan.Zero);
        await RecordAsync(t0, _alice, "filter.one", _p1.Id);
        await RecordAsync(t0.AddMinutes(1), _alice, "filter.two", _p1.Id);
        await RecordAsync(t0.AddMinutes(2), _bob, "filter.one", _p1.Id);
        await RecordAsync(t0.AddMinutes(3), _alice, "filter.one", _p2.Id);
        await RecordAsync(t0.AddMinutes(4), _alice, "filterx.one", null);
        var window = new AuditLogFilter { From = t0, To = t0.AddMinutes(10) };

        async Task<string[]> Read(AuditLogFilter filter) =>
            (await Audit.ListAsync(_admin, filter, null, 50)).Value!.Entries.Select(e => $"{e.ActorLogin}/{e.Event.Action}/{e.ProjectName}").ToArray();

        Assert.Equal(5, (await Read(window)).Length);
        Assert.Equal([$"{_alice.Login}/filter.one/Audit two", $"{_alice.Login}/filter.two/Audit one", $"{_alice.Login}/filter.one/Audit one"],
            await Read(window with { Actor = _alice.Login.ToUpperInvariant(), Action = "filter." }));
        Assert.Equal([$"{_bob.Login}/filter.one/Audit one", $"{_alice.Login}/filter.one/Audit one"], await Read(window with { ProjectId = _p1.Id, Action = "filter.one" }));
        Assert.Equal([$"{_alice.Login}/filterx.one/"], await Read(window with { Action = "filterx." }));
        Assert.Equal([$"{_alice.Login}/filter.two/Audit one", $"{_alice.Login}/filter.one/Audit one"], await Read(window with { Actor = _alice.Login, From = t0, To = t0.AddMinutes(2) }));
        Assert.Empty(await Read(window with { Actor = "nobody-by-this-name" }));
    }

    [Fact]
    public async Task Keyset_pages_neither_repeat_nor_skip_an_event_while_new_ones_are_written()
    {
        var (project, _) = await _host.Services.CreateProjectAsync(_admin, "Paging");
        var t0 = DateTimeOffset.UtcNow;
        for (var i = 0; i < 23; i++)
        {
            await RecordAsync(t0.AddSeconds(i), _admin, "paging.seeded", project.Id);
        }

        var filter = new AuditLogFilter { ProjectId = project.Id, Action = "paging.seeded" };
        var expected = (await Audit.ListAsync(_admin, filter, null, 100)).Value!.Entries.Select(e => e.Event.Id).ToList();
        var seen = new List<long>();
        long? cursor = null;
        do
        {
            var page = (await Audit.ListAsync(_admin, filter, cursor, 5)).Value!;
            seen.AddRange(page.Entries.Select(e => e.Event.Id));
            await RecordAsync(DateTimeOffset.UtcNow, _admin, "paging.seeded", project.Id); // newer than every page: never read by this walk
            cursor = page.NextBeforeId;
        }
        while (cursor is not null);

        Assert.Equal(23, expected.Count);
        Assert.Equal(expected, seen);
        Assert.Equal(seen.OrderDescending(), seen);
    }

    [Fact]
    public async Task A_maintainer_reads_only_their_maintained_projects_and_never_installation_wide_events()
    {
        var t0 = new DateTimeOffset(2032, 5, 1, 0, 0, 0, TimeSpan.Zero);
        await RecordAsync(t0, _bob, "scope.p1", _p1.Id);
        await RecordAsync(t0, _bob, "scope.p2", _p2.Id);
        await RecordAsync(t0, _bob, "scope.p3", _p3.Id);
        await RecordAsync(t0, _bob, "scope.none", null);
        var window = new AuditLogFilter { Action = "scope.", From = t0, To = t0.AddDays(1) };

        var alice = (await Audit.ListAsync(_alice, window, null, 50)).Value!;
        var bob = (await Audit.ListAsync(_bob, window, null, 50)).Value!;
        var admin = (await Audit.ListAsync(_admin, window, null, 50)).Value!;

        Assert.Equal(["scope.p1"], alice.Entries.Select(e => e.Event.Action));
        Assert.Equal(["scope.p3", "scope.p2"], bob.Entries.Select(e => e.Event.Action));
        Assert.Equal(["scope.none", "scope.p3", "scope.p2", "scope.p1"], admin.Entries.Select(e => e.Event.Action));
        Assert.Equal(ErrorKind.Forbidden, (await Audit.ListAsync(_alice, window with { ProjectId = _p2.Id }, null, 50)).Error?.Kind);
        Assert.Equal(ErrorKind.NotFound, (await Audit.ListAsync(_alice, window with { ProjectId = _p3.Id }, null, 50)).Error?.Kind);
        Assert.Equal(ErrorKind.NotFound, (await Audit.ListAsync(_alice, window with { ProjectId = Guid.NewGuid() }, null, 50)).Error?.Kind);
        Assert.Equal(ErrorKind.NotFound, (await Audit.ExportAsync(_alice, window with { ProjectId = _p3.Id })).Error?.Kind);
        Assert.Equal([_p1.Id], (await Audit.ProjectsAsync(_alice)).Value!.Select(p => p.Id));

        // A token restricted to one project reads that project only, even an administrator's.
        var restricted = _admin with { ProjectRestriction = _p2.Id };
        Assert.Equal(["scope.p2"], (await Audit.ListAsync(restricted, window, null, 50)).Value!.Entries.Select(e => e.Event.Action));
        Assert.Equal(ErrorKind.NotFound, (await Audit.ListAsync(restricted, window with { ProjectId = _p1.Id }, null, 50)).Error?.Kind);
    }

    [Fact]
    public async Task Someone_who_maintains_no_project_gets_not_found()
    {
        var member = Actor.From(await TestUsers.CreateAsync(_host));

        Assert.Equal(ErrorKind.NotFound, (await Audit.ListAsync(member, AuditLogFilter.None, null, 10)).Error?.Kind);
        Assert.Equal(ErrorKind.NotFound, (await Audit.ExportAsync(member, AuditLogFilter.None)).Error?.Kind);
        Assert.Equal(ErrorKind.NotFound, (await Audit.ProjectsAsync(member)).Error?.Kind);
    }

    public static TheoryData<string, string?, string?, int, long?> HostileInputs() => new()
    {
        { "limit", null, null, 0, null },
        { "limit", null, null, AuditLogService.MaxPage + 1, null },
        { "limit", null, null, int.MaxValue, null },
        { "cursor", null, null, 10, -5 },
        { "cursor", null, null, 10, 0 },
        { "action", null, "=HYPERLINK(\"http://evil\")", 10, null },
        { "action", null, "--help", 10, null },
        { "action", null, "user.*", 10, null },
        { "action", null, "user%", 10, null },
        { "action", null, "usér.signed_in", 10, null },
        { "action", null, "user.signed_in\u0000", 10, null },
        { "action", null, new string('a', 101), 10, null },
        { "action", null, ".user", 10, null },
        { "actor", "-rf", null, 10, null },
        { "actor", "a", null, 10, null },
        { "actor", "ålice", null, 10, null },
        { "actor", new string('x', 65), null, 10, null },
        { "actor", "../../etc/passwd", null, 10, null },
    };

    [Theory]
    [MemberData(nameof(HostileInputs))]
    public async Task Hostile_filters_limits_and_cursors_are_refused_as_validation_errors_naming_the_field(string field, string? actor, string? action, int limit, long? cursor)
    {
        var result = await Audit.ListAsync(_admin, new AuditLogFilter { Actor = actor, Action = action }, cursor, limit);

        Assert.Equal(ErrorKind.Validation, result.Error?.Kind);
        Assert.Contains(field, result.Error!.FieldErrors.Keys);
    }

    [Fact]
    public async Task A_time_range_that_ends_before_it_starts_is_refused()
    {
        var now = DateTimeOffset.UtcNow;

        var result = await Audit.ListAsync(_admin, new AuditLogFilter { From = now, To = now.AddDays(-1) }, null, 10);

        Assert.Equal(["to"], result.Error?.FieldErrors.Keys);
    }

    [Fact]
    public async Task The_export_streams_every_matching_event_across_its_pages_newest_first()
    {
        var (project, _) = await _host.Services.CreateProjectAsync(_admin, "Export");
        var count = AuditLogService.ExportPageSize + 7;
        await using (var conn = await _host.Get<NpgsqlDataSource>().OpenConnectionAsync())
        {
            await conn.ExecuteAsync(
                "INSERT INTO audit_events (occurred_at, action, target, project_id) SELECT now(), 'export.row', 'row:' || g, @p FROM generate_series(1, @count) g",
                new { p = project.Id, count });
        }

        var export = await Audit.ExportAsync(_alice with { Role = UserRole.Admin }, new AuditLogFilter { ProjectId = project.Id });
        var ids = new List<long>();
        await foreach (var entry in export.Value!)
        {
            ids.Add(entry.Event.Id);
        }

        Assert.Equal(count + 1, ids.Count); // and project.created
        Assert.Equal(ids.Distinct().OrderDescending(), ids);
    }

    private Task RecordAsync(DateTimeOffset at, Actor actor, string action, Guid? projectId) =>
        _host.Get<IAuditLog>().RecordAsync(new AuditEvent { OccurredAt = at, ActorUserId = actor.UserId, Action = action, Target = "test:x", ProjectId = projectId });
}
