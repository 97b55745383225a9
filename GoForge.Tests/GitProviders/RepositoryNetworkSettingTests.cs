using Dapper;
using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Deployments;
using GoForge.Tests.Git;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Npgsql;

namespace GoForge.Tests.GitProviders;

/// <summary>
/// "Allow local and private repositories" and credentials bound to their host, on PostgreSQL and through the real
/// deployment runner and Git client against git http-backend on 127.0.0.1 (the clones fail before any build, so no
/// engine is needed).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RepositoryNetworkSettingTests(PostgresFixture postgres, SmartHttpFixture smartHttp) : IClassFixture<SmartHttpFixture>, IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("goforge-reponet-").FullName;
    private TestHost _host = null!;
    private Actor _admin = null!;
    private Actor _maintainer = null!;
    private Project _project = null!;
    private ProjectEnvironment _environment = null!;

    private RepositoryNetworkSettings Setting => _host.Get<RepositoryNetworkSettings>();

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "reponet", new Dictionary<string, string?>
        {
            ["GoForge:Deployments:WorkDirectory"] = Path.Combine(_root, "work"),
            ["GoForge:Git:TrustedCertificatesFile"] = smartHttp.CertificatePath,
        });
        _admin = Actor.From(await TestUsers.CreateAsync(_host, UserRole.Admin));
        _maintainer = Actor.From(await TestUsers.CreateAsync(_host));
        (_project, _environment) = await _host.Services.CreateProjectAsync(_maintainer, "Reponet " + Guid.NewGuid().ToString("N")[..6]);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task The_setting_is_off_by_default_and_only_administrators_change_it_audited()
    {
        await using var fresh = await TestHost.StartAsync(postgres, "reponet_default", new Dictionary<string, string?> { ["GoForge:Git:AllowLocalAndPrivateRepositories"] = null });
        var admin = Actor.From(await TestUsers.CreateAsync(fresh, UserRole.Admin));
        var member = Actor.From(await TestUsers.CreateAsync(fresh));
        var settings = fresh.Get<RepositoryNetworkSettings>();

        var byDefault = (await settings.GetAsync(admin)).Value!;
        var memberRead = await settings.GetAsync(member);
        var memberSave = await settings.SaveAsync(member, new RepositoryNetworkSettingsInput(true));
        var saved = (await settings.SaveAsync(admin, new RepositoryNetworkSettingsInput(true))).Value!;

        Assert.Equal((false, false), (byDefault.AllowLocalAndPrivate, byDefault.Saved));
        Assert.Equal(ErrorKind.Forbidden, memberRead.Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, memberSave.Error!.Kind);
        Assert.Equal((true, true), (saved.AllowLocalAndPrivate, saved.Saved));
        Assert.True(await settings.AllowsLocalAndPrivateAsync());
        await using var conn = new NpgsqlConnection(fresh.ConnectionString);
        Assert.Equal(1, await conn.ExecuteScalarAsync<int>("SELECT count(*)::int FROM audit_events WHERE action = @a", new { a = AuditActions.RepositoryNetworkUpdated }));
    }

    [Theory]
    [InlineData("/var/lib/goforge")]
    [InlineData("/etc")]
    [InlineData("http://127.0.0.1:2375/x.git")]
    [InlineData("http://[0:0:0:0:0:ffff:7f00:1]:2375/x.git")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("https://10.0.0.1/acme/shop.git")]
    [InlineData("git://192.168.0.10/shop.git")]
    [InlineData("git@172.17.0.1:acme/shop.git")]
    [InlineData("http://localhost:8080/x.git")]
    [InlineData("http://2130706433/x.git")]
    public async Task With_the_setting_off_a_url_naming_the_panels_host_or_network_is_refused_at_save_and_accepted_with_it_on(string url)
    {
        await Setting.SaveAsync(_admin, new RepositoryNetworkSettingsInput(false));
        var refused = await CreateAppAsync(url);
        await Setting.SaveAsync(_admin, new RepositoryNetworkSettingsInput(true));
        var accepted = await CreateAppAsync(url);

        Assert.Equal(ErrorKind.Validation, refused.Error!.Kind);
        var message = Assert.Single(refused.Error.FieldErrors[nameof(ApplicationInput.GitUrl)]);
        Assert.EndsWith(RepositoryNetworkRules.SettingHint, message, StringComparison.Ordinal);
        Assert.True(accepted.IsSuccess, accepted.Error?.Message);
    }

    [Fact]
    public async Task A_repository_saved_while_allowed_is_refused_at_clone_once_the_setting_is_off_and_the_server_sees_nothing()
    {
        var repository = new SampleRepository(smartHttp.Repositories.Root, $"net-{Guid.NewGuid():N}.git");
        repository.Commit("v1", "FROM scratch\n");
        var app = (await CreateAppAsync(smartHttp.UrlOf(repository.GitUrl))).Value!;
        var local = (await CreateAppAsync(repository.GitUrl)).Value!;
        await Setting.SaveAsync(_admin, new RepositoryNetworkSettingsInput(false));
        var before = smartHttp.Requests.Count;

        var overHttps = await DeployAsync(app);
        var fromDisk = await DeployAsync(local);

        Assert.Equal(DeploymentState.Failed, overHttps.State);
        Assert.Contains("127.0.0.1 is a loopback address", overHttps.Reason, StringComparison.Ordinal);
        Assert.Contains(RepositoryNetworkRules.SettingHint, overHttps.Reason, StringComparison.Ordinal);
        Assert.Equal(before, smartHttp.Requests.Count);
        Assert.Equal(DeploymentState.Failed, fromDisk.State);
        Assert.Contains("is a local path on the panel's own disk", fromDisk.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_saved_for_one_host_is_not_sent_to_another_after_the_url_changes()
    {
        var repository = new SampleRepository(smartHttp.Repositories.Root, $"host-{Guid.NewGuid():N}.git");
        repository.Commit("v1", "FROM scratch\n");
        var app = (await CreateAppAsync(smartHttp.UrlOf(repository.GitUrl))).Value!;
        var saved = await _host.Get<GitCredentialService>().SetTokenAsync(_maintainer, GitCredentialScope.Application(app.Id), new GitTokenInput(smartHttp.User, smartHttp.Token));
        Assert.Equal("127.0.0.1", saved.Value!.Host);
        // The same server by another name: a maintainer pointing the application at a host of their own.
        var input = ApplicationInput.From(app);
        input.GitUrl = smartHttp.UrlOf(repository.GitUrl).Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
        Assert.True((await _host.Get<ApplicationService>().UpdateAsync(_maintainer, app.Id, input)).IsSuccess);
        var before = smartHttp.Requests.Count;

        var deployment = await DeployAsync(app);

        var seen = smartHttp.Requests.Skip(before).ToList();
        Assert.Equal(DeploymentState.Failed, deployment.State);
        Assert.Contains("the server asks for credentials, and this repository has none", deployment.Reason, StringComparison.Ordinal);
        Assert.Contains("Not using the application's HTTPS token: it was saved for 127.0.0.1, and the repository is on localhost", await LogAsync(deployment), StringComparison.Ordinal);
        Assert.NotEmpty(seen);
        Assert.All(seen, r => Assert.Equal(("localhost", false), (r.Host, r.HadAuthorization)));
    }

    [Fact]
    public async Task A_token_is_refused_for_a_plain_http_repository_at_save_and_at_clone_and_never_sent()
    {
        var repository = new SampleRepository(smartHttp.Repositories.Root, $"plain-{Guid.NewGuid():N}.git");
        repository.Commit("v1", "FROM scratch\n");
        var app = (await CreateAppAsync(smartHttp.HttpUrlOf(repository.GitUrl))).Value!;
        var credentials = _host.Get<GitCredentialService>();

        var own = await credentials.SetTokenAsync(_maintainer, GitCredentialScope.Application(app.Id), new GitTokenInput(smartHttp.User, smartHttp.Token));
        // A project's token is bound to the host its applications use; this one serves the http:// application too.
        var project = await credentials.SetTokenAsync(_maintainer, GitCredentialScope.Project(_project.Id), new GitTokenInput(smartHttp.User, smartHttp.Token));
        var before = smartHttp.Requests.Count;
        var deployment = await DeployAsync(app);

        Assert.Contains("a token is never sent unencrypted", Assert.Single(own.Error!.FieldErrors[nameof(GitTokenInput.Host)]), StringComparison.Ordinal);
        Assert.True(project.IsSuccess, project.Error?.Message);
        Assert.Equal(DeploymentState.Failed, deployment.State);
        Assert.Contains("is plain http://: GoForge never sends an access token unencrypted", deployment.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(smartHttp.Token, deployment.Reason, StringComparison.Ordinal);
        Assert.Equal(before, smartHttp.Requests.Count);
    }

    [Fact]
    public async Task The_migration_binds_existing_credentials_to_the_host_of_their_repository_and_a_credential_without_one_is_not_used()
    {
        var github = (await CreateAppAsync("https://GitHub.com/acme/shop.git")).Value!;
        var scp = (await CreateAppAsync("git@gitlab.example.com:acme/shop.git")).Value!;
        var credentials = _host.Get<GitCredentialService>();
        await credentials.SetTokenAsync(_maintainer, GitCredentialScope.Application(github.Id), new GitTokenInput("git", "tok-a"));
        await credentials.GenerateDeployKeyAsync(_maintainer, GitCredentialScope.Application(scp.Id));
        await credentials.SetTokenAsync(_maintainer, GitCredentialScope.Project(_project.Id), new GitTokenInput("git", "tok-p", "github.com"));
        await using var conn = new NpgsqlConnection(_host.ConnectionString);
        await conn.ExecuteAsync("UPDATE git_credentials SET host = NULL WHERE project_id = @id", new { id = _project.Id });
        var unbound = await credentials.ResolveAsync(github, CancellationToken.None);

        // The backfill of 0016, run again on credentials as they were before it.
        await conn.ExecuteAsync(BackfillSql());

        var hosts = (await conn.QueryAsync<(Guid? App, string? Host)>("SELECT application_id, host FROM git_credentials WHERE project_id = @id", new { id = _project.Id })).ToList();
        Assert.Null(unbound.ForClone);
        Assert.Contains("saved before credentials were bound to a host", unbound.Note, StringComparison.Ordinal);
        Assert.Contains((github.Id, "github.com"), hosts);
        Assert.Contains((scp.Id, "gitlab.example.com"), hosts);
        // Its applications use two hosts: the project's credential stays unbound (unused) until saved again.
        Assert.Contains((null, null), hosts);
        Assert.NotNull((await credentials.ResolveAsync(github, CancellationToken.None)).ForClone);
    }

    private static string BackfillSql()
    {
        var script = typeof(GoForge.Infrastructure.Persistence.DatabaseMigrator).Assembly.GetManifestResourceNames().Single(n => n.EndsWith("0016_repository_network.sql", StringComparison.Ordinal));
        using var stream = typeof(GoForge.Infrastructure.Persistence.DatabaseMigrator).Assembly.GetManifestResourceStream(script)!;
        var text = new StreamReader(stream).ReadToEnd();
        return text[text.IndexOf("WITH app_hosts", StringComparison.Ordinal)..];
    }

    private Task<Result<Application>> CreateAppAsync(string gitUrl) =>
        _host.Get<ApplicationService>().CreateAsync(_maintainer, _environment.Id, new ApplicationInput
        {
            Name = "n" + Guid.NewGuid().ToString("N")[..10],
            GitUrl = gitUrl,
            Branch = "main",
            ContainerPort = 8080,
        });

    private async Task<Deployment> DeployAsync(Application app)
    {
        return await _host.DeployNowAsync(_maintainer, app.Id);
    }

    private Task<string> LogAsync(Deployment deployment) =>
        _host.DeploymentLogAsync(deployment.Id);
}
