using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Npgsql;

namespace GoForge.Tests.Projects;

[Collection(PostgresCollection.Name)]
public sealed class ProjectServicesTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;
    private Actor _owner = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "projects");
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private ProjectService Projects => _host.Get<ProjectService>();

    private EnvironmentService Environments => _host.Get<EnvironmentService>();

    private ApplicationService Applications => _host.Get<ApplicationService>();

    private static ApplicationInput App(string name = "Web Shop", string? domains = null) => new()
    {
        Name = name,
        GitUrl = "https://github.com/acme/shop.git",
        Branch = "main",
        BuildContext = "./src",
        DockerfilePath = "src/Dockerfile",
        ContainerPort = 3000,
        Domains = domains,
        HealthCheckPath = "/healthz",
        MemoryLimitMb = 512,
        CpuLimit = 1.5m,
        RestartPolicy = RestartPolicy.OnFailure,
        AutoDeploy = false,
    };

    [Fact]
    public async Task New_project_starts_with_production_and_its_creator_as_maintainer()
    {
        var project = (await Projects.CreateAsync(_owner, new ProjectInput("Acme Shop", "The shop"))).Value!;

        Assert.Equal("acme-shop", project.Slug);
        var environments = (await Environments.ListAsync(_owner, project.Id)).Value!;
        Assert.Equal(["production"], environments.Select(e => e.Name));
        var members = (await _host.Get<MembershipService>().ListAsync(_owner, project.Id)).Value!;
        Assert.Equal((_owner.UserId, ProjectRole.Maintainer), (Assert.Single(members).UserId, members[0].Role));
        var summary = Assert.Single(await Projects.ListAsync(_owner));
        Assert.Equal((1, 0, ProjectRole.Maintainer), (summary.EnvironmentCount, summary.ApplicationCount, summary.Role));
        Assert.Contains(await _host.Get<IAuditLog>().ListRecentAsync(5), e => e.Action == AuditActions.ProjectCreated && e.ActorUserId == _owner.UserId);
    }

    [Fact]
    public async Task Same_name_twice_gets_a_numbered_slug()
    {
        var first = (await Projects.CreateAsync(_owner, new ProjectInput("Shop", null))).Value!;
        var second = (await Projects.CreateAsync(_owner, new ProjectInput("shop!", null))).Value!;

        Assert.Equal(("shop", "shop-2"), (first.Slug, second.Slug));
    }

    [Fact]
    public async Task Invalid_project_input_writes_nothing()
    {
        var result = await Projects.CreateAsync(_owner, new ProjectInput("   ", new string('d', 501)));

        Assert.Equal(ErrorKind.Validation, result.Error!.Kind);
        Assert.Equal(["Description", "Name"], result.Error.FieldErrors.Keys.Order());
        Assert.Empty(await Projects.ListAsync(_owner));
    }

    [Fact]
    public async Task Application_round_trips_every_setting_and_its_domains()
    {
        var project = (await Projects.CreateAsync(_owner, new ProjectInput("Acme", null))).Value!;
        var production = (await Environments.ListAsync(_owner, project.Id)).Value![0];

        var created = await Applications.CreateAsync(_owner, production.Id, App(domains: "Shop.Example.com\nbücher.example/api"));

        Assert.True(created.IsSuccess, created.Error?.Message);
        var read = (await Applications.GetAsync(_owner, created.Value.Id)).Value!;
        Assert.Equal("web-shop", read.Slug);
        Assert.Equal(("src", "src/Dockerfile", 3000, "/healthz"), (read.BuildContext, read.DockerfilePath, read.ContainerPort, read.HealthCheckPath));
        Assert.Equal((512, 1.5m, RestartPolicy.OnFailure, false), (read.MemoryLimitMb, read.CpuLimit, read.RestartPolicy, read.AutoDeploy));
        Assert.Equal([new("shop.example.com", null), new("xn--bcher-kva.example", "/api")], read.Domains);
        Assert.Equal(project.Id, read.ProjectId);
    }

    [Fact]
    public async Task Update_replaces_settings_and_domains_but_keeps_the_slug()
    {
        var production = await NewProjectEnvironmentAsync();
        var app = (await Applications.CreateAsync(_owner, production.Id, App(domains: "a.example.com"))).Value!;

        var updated = await Applications.UpdateAsync(_owner, app.Id, App("Renamed App", "b.example.com") with { ContainerPort = 8081 });

        Assert.True(updated.IsSuccess, updated.Error?.Message);
        var read = (await Applications.GetAsync(_owner, app.Id)).Value!;
        Assert.Equal(("Renamed App", "web-shop", 8081), (read.Name, read.Slug, read.ContainerPort));
        Assert.Equal([new AppDomainRoute("b.example.com", null)], read.Domains);
    }

    [Fact]
    public async Task A_domain_routes_to_one_application_only_and_a_refused_save_changes_nothing()
    {
        var production = await NewProjectEnvironmentAsync();
        var first = (await Applications.CreateAsync(_owner, production.Id, App("One", "shared.example.com"))).Value!;
        var second = (await Applications.CreateAsync(_owner, production.Id, App("Two", "two.example.com"))).Value!;

        var clash = await Applications.CreateAsync(_owner, production.Id, App("Three", "shared.example.com"));
        var clashOnUpdate = await Applications.UpdateAsync(_owner, second.Id, App("Two", "shared.example.com") with { ContainerPort = 9999 });

        Assert.Contains("Domains", clash.Error!.FieldErrors.Keys);
        Assert.Contains("Domains", clashOnUpdate.Error!.FieldErrors.Keys);
        Assert.Equal(2, (await Applications.ListAsync(_owner, production.Id)).Value!.Count);
        var unchanged = (await Applications.GetAsync(_owner, second.Id)).Value!;
        Assert.Equal((3000, "two.example.com"), (unchanged.ContainerPort, unchanged.Domains.Single().Host));
        Assert.Equal("shared.example.com", (await Applications.GetAsync(_owner, first.Id)).Value!.Domains.Single().Host);
    }

    [Fact]
    public async Task Same_app_name_twice_in_an_environment_is_a_name_error()
    {
        var production = await NewProjectEnvironmentAsync();
        await Applications.CreateAsync(_owner, production.Id, App("Api"));

        var again = await Applications.CreateAsync(_owner, production.Id, App("API"));

        Assert.Contains("Name", again.Error!.FieldErrors.Keys);
    }

    [Fact]
    public async Task Hostile_application_input_is_refused_field_by_field_and_nothing_is_saved()
    {
        var production = await NewProjectEnvironmentAsync();

        var result = await Applications.CreateAsync(_owner, production.Id, new ApplicationInput
        {
            Name = "x",
            GitUrl = "--upload-pack=touch /tmp/pwned",
            Branch = "main; rm -rf /",
            BuildContext = "../../",
            DockerfilePath = "/etc/passwd",
            ContainerPort = 70000,
            Domains = "evil.com`) || Host(`x",
            HealthCheckPath = "no-slash",
            MemoryLimitMb = 1,
            CpuLimit = 0.001m,
        });

        Assert.Equal(
            ["Branch", "BuildContext", "ContainerPort", "CpuLimit", "DockerfilePath", "Domains", "GitUrl", "HealthCheckPath", "MemoryLimitMb"],
            result.Error!.FieldErrors.Keys.Order());
        Assert.Empty((await Applications.ListAsync(_owner, production.Id)).Value!);
    }

    [Fact]
    public async Task Deleting_a_project_leaves_no_row_behind()
    {
        var production = await NewProjectEnvironmentAsync();
        var staging = (await Environments.CreateAsync(_owner, production.ProjectId, "Staging")).Value!;
        await Applications.CreateAsync(_owner, production.Id, App("A", "a.example.com"));
        await Applications.CreateAsync(_owner, staging.Id, App("B", "b.example.com"));
        var viewer = await TestUsers.CreateAsync(_host);
        await _host.Get<MembershipService>().SetAsync(_owner, production.ProjectId, viewer.Login, ProjectRole.Viewer);

        Assert.True((await Projects.DeleteAsync(_owner, production.ProjectId)).IsSuccess);

        foreach (var table in new[] { "projects", "project_members", "environments", "applications", "application_domains", "environment_variables" })
        {
            Assert.Equal(0L, await CountAsync(table));
        }

        Assert.NotNull(await _host.Get<IUserRepository>().GetByIdAsync(viewer.Id));
    }

    [Fact]
    public async Task Deleting_an_environment_removes_its_applications_only()
    {
        var production = await NewProjectEnvironmentAsync();
        var staging = (await Environments.CreateAsync(_owner, production.ProjectId, "Staging")).Value!;
        var kept = (await Applications.CreateAsync(_owner, production.Id, App("Kept", "kept.example.com"))).Value!;
        await Applications.CreateAsync(_owner, staging.Id, App("Gone", "gone.example.com"));

        Assert.True((await Environments.DeleteAsync(_owner, staging.Id)).IsSuccess);

        Assert.Equal(1L, await CountAsync("applications"));
        Assert.Equal(1L, await CountAsync("application_domains"));
        Assert.True((await Applications.GetAsync(_owner, kept.Id)).IsSuccess);
        Assert.Equal(ErrorKind.NotFound, (await Environments.GetAsync(_owner, staging.Id)).Error!.Kind);
    }

    [Fact]
    public async Task Environment_names_are_unique_by_slug_within_a_project()
    {
        var production = await NewProjectEnvironmentAsync();

        var duplicate = await Environments.CreateAsync(_owner, production.ProjectId, "Production!");
        var renamed = await Environments.RenameAsync(_owner, production.Id, "Live");

        Assert.Contains("Name", duplicate.Error!.FieldErrors.Keys);
        Assert.True(renamed.IsSuccess);
        Assert.Equal("Live", (await Environments.GetAsync(_owner, production.Id)).Value!.Name);
    }

    [Fact]
    public async Task Members_see_only_their_projects_and_admins_see_all()
    {
        await Projects.CreateAsync(_owner, new ProjectInput("Mine", null));
        var other = Actor.From(await TestUsers.CreateAsync(_host));
        await Projects.CreateAsync(other, new ProjectInput("Theirs", null));
        var admin = Actor.From(await TestUsers.CreateAsync(_host, UserRole.Admin));

        Assert.Equal(["Mine"], (await Projects.ListAsync(_owner)).Select(p => p.Project.Name));
        Assert.Equal(["Theirs"], (await Projects.ListAsync(other)).Select(p => p.Project.Name));
        Assert.Equal(["Mine", "Theirs"], (await Projects.ListAsync(admin)).Select(p => p.Project.Name));
    }

    [Fact]
    public async Task A_project_keeps_at_least_one_maintainer()
    {
        var production = await NewProjectEnvironmentAsync();
        var members = _host.Get<MembershipService>();
        var owner = (await _host.Get<IUserRepository>().GetByIdAsync(_owner.UserId))!;

        Assert.Equal(ErrorKind.Conflict, (await members.SetAsync(_owner, production.ProjectId, owner.Login, ProjectRole.Viewer)).Error!.Kind);
        Assert.Equal(ErrorKind.Conflict, (await members.RemoveAsync(_owner, production.ProjectId, owner.Id)).Error!.Kind);
        Assert.Contains("Login", (await members.SetAsync(_owner, production.ProjectId, "nobody-like-this", ProjectRole.Viewer)).Error!.FieldErrors.Keys);
    }

    private async Task<ProjectEnvironment> NewProjectEnvironmentAsync()
    {
        var project = (await Projects.CreateAsync(_owner, new ProjectInput($"P {Guid.NewGuid():N}"[..12], null))).Value!;
        return (await Environments.ListAsync(_owner, project.Id)).Value![0];
    }

    private async Task<long> CountAsync(string table)
    {
        await using var conn = new NpgsqlConnection(_host.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM {table}", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
