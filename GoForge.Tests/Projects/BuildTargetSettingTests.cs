using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Npgsql;

namespace GoForge.Tests.Projects;

/// <summary>An application's build target over real PostgreSQL: round trip, a field error for a bad name, and the database's own check.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BuildTargetSettingTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;
    private Actor _owner = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "buildtarget");
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private ApplicationService Applications => _host.Get<ApplicationService>();

    [Fact]
    public async Task A_build_target_round_trips_and_clearing_it_builds_the_last_stage_again()
    {
        var environment = await NewEnvironmentAsync();
        var created = (await Applications.CreateAsync(_owner, environment.Id, App("Staged") with { BuildTarget = " release " })).Value!;

        Assert.Equal("release", (await Applications.GetAsync(_owner, created.Id)).Value!.BuildTarget);
        var cleared = await Applications.UpdateAsync(_owner, created.Id, ApplicationInput.From(created) with { BuildTarget = "" });

        Assert.True(cleared.IsSuccess, cleared.Error?.Message);
        Assert.Null((await Applications.GetAsync(_owner, created.Id)).Value!.BuildTarget);
    }

    [Fact]
    public async Task A_target_that_is_not_a_stage_name_is_a_field_error_and_nothing_is_saved()
    {
        var environment = await NewEnvironmentAsync();

        var refused = await Applications.CreateAsync(_owner, environment.Id, App("Hostile") with { BuildTarget = "--output=type=local,dest=/" });

        Assert.False(refused.IsSuccess);
        Assert.Contains(nameof(ApplicationInput.BuildTarget), refused.Error!.FieldErrors.Keys);
        Assert.Empty(await _host.Get<IApplicationRepository>().ListByEnvironmentAsync(environment.Id));
    }

    [Fact]
    public async Task The_database_refuses_a_target_written_around_the_service()
    {
        var environment = await NewEnvironmentAsync();
        var app = (await Applications.CreateAsync(_owner, environment.Id, App("Direct"))).Value!;
        await using var conn = new NpgsqlConnection(_host.ConnectionString);
        await conn.OpenAsync();
        await using var command = new NpgsqlCommand("UPDATE applications SET build_target = '-x' WHERE id = @id", conn);
        command.Parameters.AddWithValue("id", app.Id);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.CheckViolation, refused.SqlState);
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
        var project = (await _host.Get<ProjectService>().CreateAsync(_owner, new ProjectInput($"P {Guid.NewGuid():N}"[..12], null))).Value!;
        return (await _host.Get<EnvironmentService>().ListAsync(_owner, project.Id)).Value![0];
    }
}
