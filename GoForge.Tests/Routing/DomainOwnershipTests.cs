using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Services;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Npgsql;

namespace GoForge.Tests.Routing;

/// <summary>
/// Domains belong to one project (issue 17, items 5 and 5b), on real PostgreSQL through the Core services every entry
/// point calls: a host held by one project is refused to every other, with any path, in any spelling; the panel's
/// hosts to everyone; services are checked like applications; two concurrent claims of one host end with one winner.
/// A refusal never names the project that holds the domain; an administrator's overview does.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class DomainOwnershipTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string PanelHost = "panel.example.com";

    private TestHost _host = null!;
    private Tenant _a = null!;
    private Tenant _b = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "domains", new Dictionary<string, string?> { ["GoForge:Proxy:PanelHosts:0"] = "PANEL.Example.com." });
        _a = await TenantAsync("Alpha Secret Corp");
        _b = await TenantAsync("Beta");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private sealed record Tenant(Actor Owner, Project Project, ProjectEnvironment Environment);

    private async Task<Tenant> TenantAsync(string name)
    {
        var owner = Actor.From(await TestUsers.CreateAsync(_host));
        var project = (await _host.Get<ProjectService>().CreateAsync(owner, new ProjectInput(name, null))).Value!;
        var environment = (await _host.Get<EnvironmentService>().ListAsync(owner, project.Id)).Value![0];
        return new Tenant(owner, project, environment);
    }

    private Task<Result<Application>> AppAsync(Tenant tenant, string name, string domains) =>
        _host.Get<ApplicationService>().CreateAsync(tenant.Owner, tenant.Environment.Id, new ApplicationInput
        {
            Name = name,
            GitUrl = "https://example.com/app.git",
            Domains = domains,
        });

    /// <summary>An Adminer service (the catalog's, served over HTTP) on <paramref name="domain"/>; its container never starts here, its row holds the domain.</summary>
    private Task<Result<ServiceOperation>> ServiceAsync(Tenant tenant, string name, string domain) =>
        _host.Get<ServiceCommands>().CreateAsync(tenant.Owner, tenant.Environment.Id, new ServiceInstanceInput { TemplateId = "adminer", Name = name, Domain = domain });

    private static T Succeeded<T>(Result<T> result)
    {
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value!;
    }

    /// <summary>Refused on <paramref name="field"/> with "taken", naming neither the holding project nor its application.</summary>
    private void AssertTakenWithoutNames<T>(Result<T> result, string field = "Domains")
    {
        Assert.False(result.IsSuccess, "the domain was given to a second project");
        Assert.Equal(ErrorKind.Validation, result.Error.Kind);
        var message = Assert.Single(result.Error.FieldErrors[field]);
        Assert.Contains("is taken", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Alpha", message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(_a.Project.Slug, message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("storefront", message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("shop.example.com", "shop.example.com")]
    [InlineData("shop.example.com", "shop.example.com/admin")]
    [InlineData("shop.example.com/api", "shop.example.com")]
    [InlineData("shop.example.com/api", "shop.example.com/other")]
    [InlineData("shop.example.com", "SHOP.Example.com.")]
    [InlineData("shop.example.com", "Shop.Example.COM/admin/")]
    [InlineData("shop.example.com", "www.shop.example.com")]
    [InlineData("www.shop.example.com", "shop.example.com/x")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("xn--bcher-kva.example", "BÜCHER.example/admin")]
    public async Task A_host_another_project_holds_is_refused_with_any_path_in_any_spelling(string held, string wanted)
    {
        Succeeded(await AppAsync(_a, "storefront", held));

        var refused = await AppAsync(_b, "intruder", wanted);

        AssertTakenWithoutNames(refused);
        Assert.Empty((await _host.Get<ApplicationService>().ListAsync(_b.Owner, _b.Environment.Id)).Value!);
    }

    [Fact]
    public async Task Hosts_are_stored_in_one_form_punycode_lower_case_without_a_trailing_dot()
    {
        var app = Succeeded(await AppAsync(_a, "storefront", "BÜCHER.example.\nSHOP.Example.com./Admin"));

        Assert.Equal([new AppDomainRoute("xn--bcher-kva.example", null), new AppDomainRoute("shop.example.com", "/Admin")], app.Domains);
        Assert.Equal(app.Domains, (await _host.Get<IApplicationRepository>().GetAsync(app.Id))!.Domains);
    }

    [Fact]
    public async Task Changing_an_application_to_a_path_under_another_projects_host_is_refused_and_keeps_its_domains()
    {
        Succeeded(await AppAsync(_a, "storefront", "shop.example.com"));
        var mine = Succeeded(await AppAsync(_b, "intruder", "beta.example.com"));
        var input = ApplicationInput.From(mine);
        input.Domains = "beta.example.com\nshop.example.com/admin";

        var refused = await _host.Get<ApplicationService>().UpdateAsync(_b.Owner, mine.Id, input);

        AssertTakenWithoutNames(refused);
        Assert.Equal([new AppDomainRoute("beta.example.com", null)], (await _host.Get<IApplicationRepository>().GetAsync(mine.Id))!.Domains);
    }

    [Fact]
    public async Task Within_a_project_a_host_and_path_route_to_one_workload_but_other_paths_may_go_to_other_applications()
    {
        Succeeded(await AppAsync(_a, "storefront", "shop.example.com"));

        var twin = await AppAsync(_a, "twin", "SHOP.example.com");
        var api = await AppAsync(_a, "api", "shop.example.com/api");
        var service = await ServiceAsync(_a, "console", "shop.example.com");

        Assert.Contains("already routes to another application or service of this project", Assert.Single(twin.Error!.FieldErrors["Domains"]), StringComparison.Ordinal);
        Assert.True(api.IsSuccess, api.Error?.Message);
        Assert.Contains("already routes to another application or service of this project", Assert.Single(service.Error!.FieldErrors["Domain"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_application_keeps_saving_its_own_domains_and_a_deleted_one_frees_its_host()
    {
        var app = Succeeded(await AppAsync(_a, "storefront", "shop.example.com\nshop.example.com/api"));
        var input = ApplicationInput.From(app);
        input.Branch = "release";
        Succeeded(await _host.Get<ApplicationService>().UpdateAsync(_a.Owner, app.Id, input));

        Assert.True((await _host.Get<ApplicationService>().DeleteAsync(_a.Owner, app.Id)).IsSuccess);

        Succeeded(await AppAsync(_b, "newcomer", "shop.example.com/admin"));
    }

    [Theory]
    [InlineData("panel.example.com")]
    [InlineData("panel.example.com/login")]
    [InlineData("PANEL.example.com./api/v1")]
    [InlineData("www.panel.example.com/")]
    public async Task The_panels_own_host_is_refused_with_any_path_to_applications_and_services(string wanted)
    {
        var app = await AppAsync(_a, "phish", wanted);
        var service = await ServiceAsync(_a, "phish", wanted.Split('/')[0]);

        Assert.Contains("the panel's own address", Assert.Single(app.Error!.FieldErrors["Domains"]), StringComparison.Ordinal);
        Assert.Contains("the panel's own address", Assert.Single(service.Error!.FieldErrors["Domain"]), StringComparison.Ordinal);
        Assert.Empty((await _host.Get<ApplicationService>().ListAsync(_a.Owner, _a.Environment.Id)).Value!);
        Assert.Empty((await _host.Get<IServiceInstanceRepository>().ListByEnvironmentAsync(_a.Environment.Id)));
    }

    [Fact]
    public async Task A_service_cannot_take_a_host_another_projects_application_holds_nor_the_reverse()
    {
        Succeeded(await AppAsync(_a, "storefront", "shop.example.com/app"));
        Succeeded(await ServiceAsync(_a, "console", "admin.example.com"));

        var service = await ServiceAsync(_b, "intruder", "Shop.Example.com.");
        var app = await AppAsync(_b, "intruder", "admin.example.com/x");

        AssertTakenWithoutNames(service, "Domain");
        AssertTakenWithoutNames(app);
        Assert.Empty(await _host.Get<IServiceInstanceRepository>().ListByEnvironmentAsync(_b.Environment.Id));
    }

    [Fact]
    public async Task A_service_cannot_take_a_host_another_projects_service_holds_in_any_spelling()
    {
        Succeeded(await ServiceAsync(_a, "console", "bücher.example"));

        var refused = await ServiceAsync(_b, "intruder", "XN--BCHER-KVA.example.");

        AssertTakenWithoutNames(refused, "Domain");
        var (_, stored) = await _host.Get<IServiceInstanceRepository>().GetInputsAsync(
            Assert.Single(await _host.Get<IServiceInstanceRepository>().ListByEnvironmentAsync(_a.Environment.Id)).Id);
        Assert.Equal("xn--bcher-kva.example", stored);
    }

    [Fact]
    public async Task Two_projects_claiming_one_host_at_the_same_moment_end_with_exactly_one_holder()
    {
        for (var round = 0; round < 8; round++)
        {
            var host = $"race{round}.example.com";
            using var start = new ManualResetEventSlim();
            var claims = new[]
            {
                Task.Run(async () => { start.Wait(); return (await AppAsync(_a, $"a{round}", host + "/a")).IsSuccess; }),
                Task.Run(async () => { start.Wait(); return (await AppAsync(_b, $"b{round}", host + "/b")).IsSuccess; }),
                Task.Run(async () => { start.Wait(); return (await ServiceAsync(_b, $"s{round}", host)).IsSuccess; }),
            };
            start.Set();
            var won = await Task.WhenAll(claims).WaitAsync(TimeSpan.FromSeconds(60));

            var holders = await _host.Get<IDomainHolderRepository>().ListByHostsAsync([host]);
            Assert.Single(holders.Select(h => h.ProjectId).Distinct());
            Assert.Equal(holders.Count, won.Count(w => w));
            Assert.True(won[0] != (won[1] || won[2]), $"round {round}: both projects hold {host}");
        }
    }

    [Fact]
    public async Task Administrators_see_who_holds_every_domain_and_members_are_refused_the_overview()
    {
        var app = Succeeded(await AppAsync(_a, "storefront", "shop.example.com\nshop.example.com/api"));
        Succeeded(await ServiceAsync(_b, "console", "console.example.com"));
        var admin = Actor.From(await TestUsers.CreateAsync(_host, UserRole.Admin));

        var overview = Succeeded(await _host.Get<DomainRules>().ListAsync(admin));
        var member = await _host.Get<DomainRules>().ListAsync(_a.Owner);

        Assert.Equal([PanelHost], overview.PanelHosts);
        Assert.Equal(
            [
                ("console.example.com", null, DomainHolderKind.Service, "console", "Beta", false),
                ("shop.example.com", null, DomainHolderKind.Application, "storefront", "Alpha Secret Corp", false),
                ("shop.example.com", "/api", DomainHolderKind.Application, "storefront", "Alpha Secret Corp", false),
            ],
            overview.Domains.Select(d => (d.Host, d.PathPrefix, d.Kind, d.WorkloadName, d.ProjectName, d.Conflict)));
        Assert.All(overview.Domains.Where(d => d.Kind == DomainHolderKind.Application), d => Assert.Equal((app.Id, _a.Project.Id), (d.WorkloadId, d.ProjectId)));
        Assert.Equal(ErrorKind.Forbidden, member.Error?.Kind);
    }

    [Fact]
    public async Task A_conflict_stored_before_ownership_is_shown_to_administrators_and_blocks_neither_holders_other_changes()
    {
        var first = Succeeded(await AppAsync(_a, "storefront", "shop.example.com"));
        var second = Succeeded(await AppAsync(_b, "legacy", "beta.example.com"));
        await using (var conn = new NpgsqlConnection(_host.ConnectionString))
        {
            // What an older GoForge let through: project B on a path under project A's host.
            await conn.OpenAsync();
            await using var insert = new NpgsqlCommand("INSERT INTO application_domains (application_id, position, host, path_prefix) VALUES (@id, 2, 'shop.example.com', '/admin')", conn);
            insert.Parameters.AddWithValue("id", second.Id);
            await insert.ExecuteNonQueryAsync();
        }

        var admin = Actor.From(await TestUsers.CreateAsync(_host, UserRole.Admin));
        var overview = Succeeded(await _host.Get<DomainRules>().ListAsync(admin));
        var legacy = (await _host.Get<IApplicationRepository>().GetAsync(second.Id))!;
        var keep = ApplicationInput.From(legacy);
        keep.Branch = "release";
        var owner = ApplicationInput.From(first);
        owner.Branch = "release";

        Assert.All(overview.Domains.Where(d => d.Host == "shop.example.com"), d => Assert.True(d.Conflict));
        Assert.False(Assert.Single(overview.Domains, d => d.Host == "beta.example.com").Conflict);
        Succeeded(await _host.Get<ApplicationService>().UpdateAsync(_b.Owner, second.Id, keep));
        Succeeded(await _host.Get<ApplicationService>().UpdateAsync(_a.Owner, first.Id, owner));
        var more = ApplicationInput.From(legacy);
        more.Domains += "\nshop.example.com/more";
        AssertTakenWithoutNames(await _host.Get<ApplicationService>().UpdateAsync(_b.Owner, second.Id, more));
    }
}
