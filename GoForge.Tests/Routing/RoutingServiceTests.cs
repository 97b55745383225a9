using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Npgsql;

namespace GoForge.Tests.Routing;

[Collection(PostgresCollection.Name)]
public sealed class RoutingServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;
    private Actor _owner = null!;
    private Application _app = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "routing");
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
        var project = (await _host.Get<ProjectService>().CreateAsync(_owner, new ProjectInput("Acme", null))).Value!;
        var environment = (await _host.Get<EnvironmentService>().ListAsync(_owner, project.Id)).Value![0];
        _app = (await _host.Get<ApplicationService>().CreateAsync(_owner, environment.Id, new ApplicationInput
        {
            Name = "shop",
            GitUrl = "https://example.com/shop.git",
            Domains = "shop.example.com\nexample.com/store",
        })).Value!;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private RoutingService Routing => _host.Get<RoutingService>();

    private static RoutingInput Full() => new()
    {
        RedirectToHttps = false,
        WwwRedirect = WwwRedirect.ToWww,
        BasicAuthUsers = [new BasicAuthUserInput { UserName = "alice", Password = "correct horse battery" }],
        IpAllowList = "203.0.113.0/24\n192.0.2.7",
        RateLimitAverage = 10,
        RateLimitBurst = 20,
        SecurityHeaders = true,
        ResponseHeaders = "X-Robots-Tag: noindex\nContent-Security-Policy: default-src 'self'",
        StripPathPrefix = true,
        Compression = true,
        CertResolver = "dns",
    };

    [Fact]
    public async Task An_application_without_saved_routing_gets_the_defaults()
    {
        var input = (await Routing.GetAsync(_owner, _app.Id)).Value!;

        Assert.Equal(RoutingInput.From(RoutingSettings.Defaults(_app.Id)) with { BasicAuthUsers = [] }, input with { BasicAuthUsers = [] });
        Assert.Empty(input.BasicAuthUsers);
        Assert.True(input.RedirectToHttps);
    }

    [Fact]
    public async Task Saved_settings_read_back_the_same_without_password_hashes()
    {
        var saved = await Routing.UpdateAsync(_owner, _app.Id, Full());

        Assert.True(saved.IsSuccess, saved.Error?.Message);
        var read = (await Routing.GetAsync(_owner, _app.Id)).Value!;
        Assert.Equal(
            (false, WwwRedirect.ToWww, "203.0.113.0/24\n192.0.2.7/32", 10, 20, true, "X-Robots-Tag: noindex\nContent-Security-Policy: default-src 'self'", true, true, "dns"),
            (read.RedirectToHttps, read.WwwRedirect, read.IpAllowList, read.RateLimitAverage, read.RateLimitBurst, read.SecurityHeaders, read.ResponseHeaders,
                read.StripPathPrefix, read.Compression, read.CertResolver));
        var user = Assert.Single(read.BasicAuthUsers);
        Assert.Equal(("alice", null), (user.UserName, user.Password));
    }

    [Fact]
    public async Task Passwords_are_stored_as_bcrypt_hashes_only_and_an_empty_password_keeps_the_hash()
    {
        await Routing.UpdateAsync(_owner, _app.Id, Full());
        var first = (await _host.Get<IRoutingSettingsRepository>().GetAsync(_app.Id))!.BasicAuthUsers.Single().PasswordHash;

        Assert.StartsWith("$2y$10$", first, StringComparison.Ordinal);
        Assert.True(_host.Get<IBasicAuthHasher>().Verify(first, "correct horse battery"));
        Assert.DoesNotContain("correct horse battery", await DumpRoutingTableAsync(), StringComparison.Ordinal);

        var keep = Full();
        keep.BasicAuthUsers = [new BasicAuthUserInput { UserName = "alice" }, new BasicAuthUserInput { UserName = "bob", Password = "another long one" }];
        Assert.True((await Routing.UpdateAsync(_owner, _app.Id, keep)).IsSuccess);

        var users = (await _host.Get<IRoutingSettingsRepository>().GetAsync(_app.Id))!.BasicAuthUsers;
        Assert.Equal(first, users.Single(u => u.UserName == "alice").PasswordHash);
        Assert.True(_host.Get<IBasicAuthHasher>().Verify(users.Single(u => u.UserName == "bob").PasswordHash, "another long one"));
    }

    [Fact]
    public async Task A_new_user_needs_a_password()
    {
        var input = Full();
        input.BasicAuthUsers = [new BasicAuthUserInput { UserName = "carol" }];

        var result = await Routing.UpdateAsync(_owner, _app.Id, input);

        Assert.Equal(["BasicAuthUsers"], result.Error!.FieldErrors.Keys);
    }

    [Fact]
    public async Task Invalid_input_reports_every_field_and_writes_nothing()
    {
        var input = new RoutingInput
        {
            BasicAuthUsers = [new BasicAuthUserInput { UserName = "a:b", Password = "x" }],
            IpAllowList = "10.0.0.1/8",
            RateLimitAverage = 5,
            ResponseHeaders = "X-A: `evil`",
            CertResolver = "le`",
            WwwRedirect = (WwwRedirect)42,
        };

        var result = await Routing.UpdateAsync(_owner, _app.Id, input);

        Assert.Equal(ErrorKind.Validation, result.Error!.Kind);
        Assert.Equal(["BasicAuthUsers", "CertResolver", "IpAllowList", "RateLimitBurst", "ResponseHeaders", "WwwRedirect"], result.Error.FieldErrors.Keys.Order());
        Assert.Null(await _host.Get<IRoutingSettingsRepository>().GetAsync(_app.Id));
    }

    [Fact]
    public async Task A_header_value_with_a_caddy_placeholder_is_refused_at_the_service_and_nothing_is_saved()
    {
        var input = new RoutingInput { ResponseHeaders = "X-Home: {env.HOME}" };

        var result = await Routing.UpdateAsync(_owner, _app.Id, input);

        Assert.Equal(["ResponseHeaders"], result.Error!.FieldErrors.Keys);
        Assert.Contains("cannot contain '{' or '}'", result.Error.FieldErrors["ResponseHeaders"][0], StringComparison.Ordinal);
        Assert.Null(await _host.Get<IRoutingSettingsRepository>().GetAsync(_app.Id));
    }

    [Fact]
    public async Task A_change_is_audited_without_passwords()
    {
        await Routing.UpdateAsync(_owner, _app.Id, Full());

        var audited = Assert.Single(await _host.Get<IAuditLog>().ListRecentAsync(20), e => e.Action == AuditActions.RoutingUpdated);
        Assert.Equal((_owner.UserId, "application:shop"), (audited.ActorUserId, audited.Target));
        Assert.Contains("basic-auth users:alice", audited.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("horse", audited.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("$2y$", audited.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_route_target_carries_the_stored_settings_and_domains()
    {
        await Routing.UpdateAsync(_owner, _app.Id, Full());

        var target = (await Routing.TargetAsync(_app, "goforge-acme-production")).Value!;

        Assert.Equal(_app.Domains, target.Domains);
        Assert.Equal(["203.0.113.0/24", "192.0.2.7/32"], target.Settings.IpAllowList);
        Assert.Equal($"shop-{_app.Id:N}", target.Name);
    }

    [Fact]
    public async Task Deleting_the_application_deletes_its_routing()
    {
        await Routing.UpdateAsync(_owner, _app.Id, Full());

        await _host.Get<ApplicationService>().DeleteAsync(_owner, _app.Id);

        Assert.Null(await _host.Get<IRoutingSettingsRepository>().GetAsync(_app.Id));
        Assert.Equal(ErrorKind.NotFound, (await Routing.GetAsync(_owner, _app.Id)).Error!.Kind);
    }

    private async Task<string> DumpRoutingTableAsync()
    {
        await using var conn = new NpgsqlConnection(_host.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT application_routing::text FROM application_routing", conn);
        return string.Join('\n', await ReadAllAsync(cmd));
    }

    private static async Task<List<string>> ReadAllAsync(NpgsqlCommand cmd)
    {
        var rows = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
