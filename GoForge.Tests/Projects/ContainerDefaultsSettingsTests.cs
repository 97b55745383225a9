using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Npgsql;

namespace GoForge.Tests.Projects;

/// <summary>The process limit and raw-socket switch of an application, over real PostgreSQL: defaults, round trip, refusals.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ContainerDefaultsSettingsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;
    private Actor _owner = null!;

    /// <summary>Out of range, at both ends and beyond, and the extremes of the type.</summary>
    public static readonly TheoryData<int> HostilePidsLimits = new() { 0, -1, 15, 32769, int.MaxValue, int.MinValue };

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "containerdefaults");
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private ApplicationService Applications => _host.Get<ApplicationService>();

    [Fact]
    public async Task A_new_application_gets_the_default_process_limit_and_no_raw_sockets()
    {
        var environment = await NewEnvironmentAsync();

        var created = await Applications.CreateAsync(_owner, environment.Id, App("Defaults") with { PidsLimit = null });

        Assert.True(created.IsSuccess, created.Error?.Message);
        var read = (await Applications.GetAsync(_owner, created.Value.Id)).Value!;
        Assert.Equal((ContainerHardening.DefaultPidsLimit, false), (read.PidsLimit, read.AllowRawSockets));
        Assert.Equal(1024, ContainerHardening.DefaultPidsLimit);
    }

    [Fact]
    public async Task A_chosen_process_limit_and_raw_sockets_round_trip_and_an_update_changes_them()
    {
        var environment = await NewEnvironmentAsync();
        var created = (await Applications.CreateAsync(_owner, environment.Id, App("Pinger") with { PidsLimit = 16, AllowRawSockets = true })).Value!;

        var first = (await Applications.GetAsync(_owner, created.Id)).Value!;
        var updated = await Applications.UpdateAsync(_owner, created.Id, ApplicationInput.From(first) with { PidsLimit = 32768, AllowRawSockets = false });

        Assert.Equal((16, true), (first.PidsLimit, first.AllowRawSockets));
        Assert.True(updated.IsSuccess, updated.Error?.Message);
        var second = (await Applications.GetAsync(_owner, created.Id)).Value!;
        Assert.Equal((32768, false), (second.PidsLimit, second.AllowRawSockets));
    }

    [Theory]
    [MemberData(nameof(HostilePidsLimits))]
    public async Task An_out_of_range_process_limit_is_a_field_error_and_nothing_is_saved(int limit)
    {
        var environment = await NewEnvironmentAsync();
        var kept = (await Applications.CreateAsync(_owner, environment.Id, App("Kept"))).Value!;

        var created = await Applications.CreateAsync(_owner, environment.Id, App("Refused") with { PidsLimit = limit });
        var updated = await Applications.UpdateAsync(_owner, kept.Id, ApplicationInput.From(kept) with { PidsLimit = limit });

        Assert.Equal(["PidsLimit"], created.Error!.FieldErrors.Keys);
        Assert.Equal(["PidsLimit"], updated.Error!.FieldErrors.Keys);
        Assert.Contains("16 to 32768", created.Error.FieldErrors["PidsLimit"][0], StringComparison.Ordinal);
        Assert.Equal(["Kept"], (await Applications.ListAsync(_owner, environment.Id)).Value!.Select(a => a.Name));
        Assert.Equal(ContainerHardening.DefaultPidsLimit, (await Applications.GetAsync(_owner, kept.Id)).Value!.PidsLimit);
    }

    [Fact]
    public async Task The_database_refuses_an_out_of_range_limit_written_around_the_service()
    {
        var environment = await NewEnvironmentAsync();
        var app = (await Applications.CreateAsync(_owner, environment.Id, App("Direct"))).Value!;
        await using var conn = new NpgsqlConnection(_host.ConnectionString);
        await conn.OpenAsync();
        await using var command = new NpgsqlCommand("UPDATE applications SET pids_limit = 0 WHERE id = @id", conn);
        command.Parameters.AddWithValue("id", app.Id);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.CheckViolation, refused.SqlState);
    }

    [Fact]
    public async Task The_migration_gives_an_application_saved_before_it_the_defaults()
    {
        var environment = await NewEnvironmentAsync();
        var app = (await Applications.CreateAsync(_owner, environment.Id, App("Older") with { PidsLimit = 64, AllowRawSockets = true })).Value!;
        await using var conn = new NpgsqlConnection(_host.ConnectionString);
        await conn.OpenAsync();
        // The schema as it was before 0014, with the application already in it; then the script as it ships.
        await ExecuteAsync(conn, "ALTER TABLE applications DROP COLUMN pids_limit, DROP COLUMN allow_raw_sockets");
        await ExecuteAsync(conn, await MigrationScriptAsync("0014_container_defaults.sql"));

        var read = (await Applications.GetAsync(_owner, app.Id)).Value!;

        Assert.Equal((ContainerHardening.DefaultPidsLimit, false), (read.PidsLimit, read.AllowRawSockets));
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql)
    {
        await using var command = new NpgsqlCommand(sql, conn);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> MigrationScriptAsync(string fileName)
    {
        var assembly = typeof(GoForge.Infrastructure.Persistence.DatabaseMigrator).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(fileName, StringComparison.Ordinal));
        await using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private static ApplicationInput App(string name) => new()
    {
        Name = name,
        GitUrl = "https://github.com/acme/shop.git",
        Branch = "main",
        ContainerPort = 8080,
    };

    private async Task<ProjectEnvironment> NewEnvironmentAsync()
    {
        var project = (await _host.Get<ProjectService>().CreateAsync(_owner, new ProjectInput("Defaults " + Guid.NewGuid().ToString("N")[..6], null))).Value!;
        return (await _host.Get<EnvironmentService>().ListAsync(_owner, project.Id)).Value![0];
    }
}
