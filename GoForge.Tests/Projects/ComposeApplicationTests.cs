using Dapper;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Npgsql;

namespace GoForge.Tests.Projects;

/// <summary>
/// A compose application as data, on real PostgreSQL through the Core services every entry point calls: created and
/// read back with its compose path, per-service domains and variables limited to services; hostile input refused on
/// its field; its kind fixed; and the table's own checks holding what Core checks, whatever wrote the row.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ComposeApplicationTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;
    private Actor _owner = null!;
    private ProjectEnvironment _environment = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "composeapp");
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
        (_, _environment) = await _host.Services.CreateProjectAsync(_owner, "Stacks");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private ApplicationService Applications => _host.Get<ApplicationService>();

    private VariableService Variables => _host.Get<VariableService>();

    private static ApplicationInput Compose(string name, string? path = "deploy/compose.prod.yml", string? domains = null) => new()
    {
        Name = name,
        Source = ApplicationSourceKind.Compose,
        GitUrl = "https://git.example.com/acme/stack.git",
        Branch = "release",
        ComposePath = path,
        Domains = domains,
    };

    private static T Succeeded<T>(Result<T> result)
    {
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value!;
    }

    [Fact]
    public async Task A_compose_application_is_stored_and_read_back_with_its_path_service_domains_and_no_dockerfile_settings()
    {
        var input = Compose("Shop stack", "./deploy/compose.prod.yml", $"web: shop-{Guid.NewGuid():N}.example.com\napi: api-{Guid.NewGuid():N}.example.com/v1") with
        {
            DockerfilePath = "docker/Dockerfile.ignored",
            BuildContext = "ignored",
            BuildTarget = "ignored",
            ContainerPort = 3000,
        };

        var created = Succeeded(await Applications.CreateAsync(_owner, _environment.Id, input));
        var read = Succeeded(await Applications.GetAsync(_owner, created.Id));

        Assert.Equal(ApplicationSourceKind.Compose, read.Source);
        Assert.Equal("deploy/compose.prod.yml", read.ComposePath);
        Assert.Equal(("https://git.example.com/acme/stack.git", "release"), (read.GitUrl, read.Branch));
        Assert.Equal((".", "Dockerfile", (string?)null), (read.BuildContext, read.DockerfilePath, read.BuildTarget));
        Assert.Equal(3000, read.ContainerPort);
        Assert.Equal(["web", "api"], read.Domains.Select(d => d.Service));
        Assert.Equal("/v1", read.Domains[1].PathPrefix);
        Assert.Equal(input.Domains!.Split('\n'), ApplicationInput.From(read).Domains!.Split('\n'));
    }

    [Fact]
    public async Task A_compose_application_without_a_path_reads_compose_yaml_and_a_changed_path_and_service_are_stored()
    {
        var created = Succeeded(await Applications.CreateAsync(_owner, _environment.Id, Compose("Default path", path: null, domains: $"web: d-{Guid.NewGuid():N}.example.com")));
        var host = created.Domains[0].Host;

        var updated = Succeeded(await Applications.UpdateAsync(_owner, created.Id, Compose("Default path", "ops/docker-compose.yml", $"front: {host}")));
        var read = Succeeded(await Applications.GetAsync(_owner, created.Id));

        Assert.Equal("compose.yaml", created.ComposePath);
        Assert.Equal("ops/docker-compose.yml", read.ComposePath);
        Assert.Equal(updated.Domains, read.Domains);
        Assert.Equal("front", Assert.Single(read.Domains).Service);
    }

    [Theory]
    [InlineData("../x.yml")]
    [InlineData("/etc/compose.yml")]
    [InlineData("-rf.yml")]
    [InlineData("a/../../b.yml")]
    [InlineData("compose.yml; reboot")]
    [InlineData("$(curl evil.example).yml")]
    [InlineData("compóse.yml")]
    [InlineData("compose.toml")]
    public async Task A_hostile_compose_path_is_refused_on_its_field_and_nothing_is_stored(string path)
    {
        var result = await Applications.CreateAsync(_owner, _environment.Id, Compose("Hostile " + Guid.NewGuid().ToString("N")[..6], path));

        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorKind.Validation, result.Error.Kind);
        Assert.Equal([nameof(ApplicationInput.ComposePath)], result.Error.FieldErrors.Keys);
        Assert.DoesNotContain(Succeeded(await Applications.ListAsync(_owner, _environment.Id)), a => a.Name.StartsWith("Hostile", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_huge_compose_path_is_refused_without_being_stored()
    {
        var result = await Applications.CreateAsync(_owner, _environment.Id, Compose("Huge", new string('a', 1_000_000) + ".yml"));

        Assert.Equal([nameof(ApplicationInput.ComposePath)], result.Error!.FieldErrors.Keys);
    }

    [Fact]
    public async Task A_compose_application_needs_a_repository_and_a_branch_like_a_git_one()
    {
        var result = await Applications.CreateAsync(_owner, _environment.Id, Compose("No repo") with { GitUrl = "ext::sh -c reboot", Branch = "-x" });

        Assert.Equal([nameof(ApplicationInput.Branch), nameof(ApplicationInput.GitUrl)], result.Error!.FieldErrors.Keys.Order());
    }

    [Fact]
    public async Task A_compose_domain_must_name_a_service_and_another_applications_must_not()
    {
        var compose = await Applications.CreateAsync(_owner, _environment.Id, Compose("Unnamed", domains: "unnamed.example.com"));
        var git = await Applications.CreateAsync(_owner, _environment.Id, new ApplicationInput
        {
            Name = "Plain",
            GitUrl = "https://git.example.com/acme/plain.git",
            Domains = "web: plain.example.com",
        });

        Assert.Contains("needs the compose service", Assert.Single(compose.Error!.FieldErrors["Domains"]), StringComparison.Ordinal);
        Assert.Contains("only a compose application's domains", Assert.Single(git.Error!.FieldErrors["Domains"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_application_has_no_compose_path()
    {
        var result = await Applications.CreateAsync(_owner, _environment.Id, new ApplicationInput
        {
            Name = "Git with path",
            GitUrl = "https://git.example.com/acme/plain.git",
            ComposePath = "compose.yaml",
        });

        Assert.Equal([nameof(ApplicationInput.ComposePath)], result.Error!.FieldErrors.Keys);
    }

    [Fact]
    public async Task A_compose_application_stays_one_and_a_git_application_never_becomes_one()
    {
        var compose = Succeeded(await Applications.CreateAsync(_owner, _environment.Id, Compose("Fixed kind")));
        var git = Succeeded(await Applications.CreateAsync(_owner, _environment.Id, new ApplicationInput { Name = "Git kind", GitUrl = "https://git.example.com/acme/plain.git" }));

        var toGit = await Applications.UpdateAsync(_owner, compose.Id, ApplicationInput.From(compose) with { Source = ApplicationSourceKind.Git, ComposePath = null });
        var toCompose = await Applications.UpdateAsync(_owner, git.Id, ApplicationInput.From(git) with { Source = ApplicationSourceKind.Compose, ComposePath = "compose.yaml" });

        Assert.Equal([nameof(ApplicationInput.Source)], toGit.Error!.FieldErrors.Keys);
        Assert.Equal([nameof(ApplicationInput.Source)], toCompose.Error!.FieldErrors.Keys);
        Assert.Equal(ApplicationSourceKind.Compose, Succeeded(await Applications.GetAsync(_owner, compose.Id)).Source);
        Assert.Equal(ApplicationSourceKind.Git, Succeeded(await Applications.GetAsync(_owner, git.Id)).Source);
    }

    [Fact]
    public async Task A_variable_is_limited_to_services_kept_when_its_value_changes_or_is_pasted_and_widened_by_an_empty_list()
    {
        var app = Succeeded(await Applications.CreateAsync(_owner, _environment.Id, Compose("Scoped vars")));

        Assert.True((await Variables.SetAsync(_owner, app.Id, new VariableInput("QUEUE_URL", "redis://q", Services: ["worker", " web", "worker"]))).IsSuccess);
        Assert.True((await Variables.SetAsync(_owner, app.Id, new VariableInput("EVERYONE", "1"))).IsSuccess);
        var scoped = await StoredAsync(app.Id, "QUEUE_URL");
        Assert.True((await Variables.SetAsync(_owner, app.Id, new VariableInput("QUEUE_URL", "redis://other"))).IsSuccess);
        var afterValue = await StoredAsync(app.Id, "QUEUE_URL");
        Assert.True((await Variables.ApplyPasteAsync(_owner, app.Id, "QUEUE_URL=redis://pasted\n", asSecrets: false)).IsSuccess);
        var afterPaste = await StoredAsync(app.Id, "QUEUE_URL");
        var listed = Succeeded(await Variables.ListAsync(_owner, app.Id)).Single(v => v.Key == "QUEUE_URL");
        Assert.True((await Variables.SetAsync(_owner, app.Id, new VariableInput("QUEUE_URL", null, Services: []))).IsSuccess);
        var widened = await StoredAsync(app.Id, "QUEUE_URL");

        Assert.Equal(["worker", "web"], scoped.Services);
        Assert.True(scoped.Reaches("web") && !scoped.Reaches("db"));
        Assert.Equal(["worker", "web"], afterValue.Services);
        Assert.Equal("redis://pasted", afterPaste.Value);
        Assert.Equal(["worker", "web"], afterPaste.Services);
        Assert.Equal(["worker", "web"], listed.Services);
        Assert.Null(widened.Services);
        Assert.True(widened.Reaches("db"));
        Assert.Equal("redis://pasted", widened.Value);
        Assert.Null((await StoredAsync(app.Id, "EVERYONE")).Services);
    }

    [Fact]
    public async Task Services_on_a_variable_of_another_application_or_malformed_names_are_refused_and_nothing_changes()
    {
        var git = Succeeded(await Applications.CreateAsync(_owner, _environment.Id, new ApplicationInput { Name = "Git vars", GitUrl = "https://git.example.com/acme/plain.git" }));
        var compose = Succeeded(await Applications.CreateAsync(_owner, _environment.Id, Compose("Bad vars")));

        var onGit = await Variables.SetAsync(_owner, git.Id, new VariableInput("X", "1", Services: ["web"]));
        var malformed = await Variables.SetManyAsync(_owner, compose.Id, [new VariableInput("OK", "1"), new VariableInput("Y", "1", Services: ["web", "../db"])]);
        var tooMany = await Variables.SetAsync(_owner, compose.Id, new VariableInput("Z", "1", Services: Enumerable.Range(0, 33).Select(i => $"s{i}").ToList()));

        Assert.Equal(["Services"], onGit.Error!.FieldErrors.Keys);
        Assert.Equal(["Services"], malformed.Error!.FieldErrors.Keys);
        Assert.Equal(["Services"], tooMany.Error!.FieldErrors.Keys);
        Assert.Empty(Succeeded(await Variables.ListAsync(_owner, git.Id)));
        Assert.Empty(Succeeded(await Variables.ListAsync(_owner, compose.Id)));
    }

    [Theory]
    [InlineData("UPDATE applications SET compose_path = NULL WHERE id = @id")]
    [InlineData("UPDATE applications SET compose_path = '../x.yml' WHERE id = @id")]
    [InlineData("UPDATE applications SET compose_path = '/etc/compose.yml' WHERE id = @id")]
    [InlineData("UPDATE applications SET compose_path = '-rf.yml' WHERE id = @id")]
    [InlineData("UPDATE applications SET compose_path = 'a/../b.yml' WHERE id = @id")]
    [InlineData("UPDATE applications SET source_kind = 'git' WHERE id = @id")]
    [InlineData("UPDATE applications SET source_kind = 'helm' WHERE id = @id")]
    [InlineData("UPDATE application_domains SET service_name = 'Web' WHERE application_id = @id")]
    [InlineData("UPDATE application_domains SET service_name = '../web' WHERE application_id = @id")]
    [InlineData("UPDATE environment_variables SET services = '{}' WHERE application_id = @id")]
    [InlineData("UPDATE environment_variables SET services = '{\"web,db\"}' WHERE application_id = @id")]
    [InlineData("UPDATE environment_variables SET services = '{web,NULL}' WHERE application_id = @id")]
    [InlineData("UPDATE environment_variables SET services = '{\"\"}' WHERE application_id = @id")]
    public async Task The_tables_refuse_what_core_refuses_whatever_writes_the_row(string sql)
    {
        var app = Succeeded(await Applications.CreateAsync(_owner, _environment.Id, Compose("Row " + Guid.NewGuid().ToString("N")[..6], domains: $"web: r-{Guid.NewGuid():N}.example.com")));
        Assert.True((await Variables.SetAsync(_owner, app.Id, new VariableInput("SCOPED", "1", Services: ["web"]))).IsSuccess);
        await using var conn = await _host.Get<NpgsqlDataSource>().OpenConnectionAsync();

        var refused = await Assert.ThrowsAsync<PostgresException>(() => conn.ExecuteAsync(sql, new { id = app.Id }));

        Assert.Equal(PostgresErrorCodes.CheckViolation, refused.SqlState);
    }

    [Fact]
    public async Task An_image_application_has_no_compose_path_in_its_row()
    {
        var image = Succeeded(await Applications.CreateAsync(_owner, _environment.Id, new ApplicationInput
        {
            Name = "Image row",
            Source = ApplicationSourceKind.Image,
            ImageReference = "nginx:1.27",
        }));
        await using var conn = await _host.Get<NpgsqlDataSource>().OpenConnectionAsync();

        var refused = await Assert.ThrowsAsync<PostgresException>(() => conn.ExecuteAsync("UPDATE applications SET compose_path = 'compose.yaml' WHERE id = @id", new { id = image.Id }));

        Assert.Equal(PostgresErrorCodes.CheckViolation, refused.SqlState);
        Assert.Null(Succeeded(await Applications.GetAsync(_owner, image.Id)).ComposePath);
    }

    private async Task<EnvironmentVariable> StoredAsync(Guid applicationId, string key) =>
        (await _host.Get<IEnvironmentVariableRepository>().ListAsync(applicationId)).Single(v => v.Key == key);
}
