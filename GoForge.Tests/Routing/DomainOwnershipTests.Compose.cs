using GoForge.Core.Common;
using GoForge.Core.Projects;

namespace GoForge.Tests.Routing;

/// <summary>
/// A compose application's per-service domains are held by the application, like any application's: another project
/// cannot take one with any path or spelling, nor can a service take the panel's host; another application of the
/// project cannot take the same host and path, two services cannot share one, and moving a domain between the
/// application's own services is no claim.
/// </summary>
public sealed partial class DomainOwnershipTests
{
    private Task<Result<Application>> ComposeAsync(Tenant tenant, string name, string domains) =>
        _host.Get<ApplicationService>().CreateAsync(tenant.Owner, tenant.Environment.Id, new ApplicationInput
        {
            Name = name,
            Source = ApplicationSourceKind.Compose,
            GitUrl = "https://example.com/stack.git",
            Domains = domains,
        });

    [Theory]
    [InlineData("web: shop.example.com", "api: SHOP.Example.com./admin", true)]
    [InlineData("web: shop.example.com/app", "shop.example.com", false)]
    [InlineData("shop.example.com", "worker: www.shop.example.com", true)]
    public async Task A_host_one_project_holds_is_refused_to_another_projects_compose_or_single_application(string held, string wanted, bool wantedIsCompose)
    {
        var holder = held.Contains(':', StringComparison.Ordinal) ? await ComposeAsync(_a, "storefront", held) : await AppAsync(_a, "storefront", held);
        Succeeded(holder);

        var refused = wantedIsCompose ? await ComposeAsync(_b, "intruder", wanted) : await AppAsync(_b, "intruder", wanted);

        Assert.False(refused.IsSuccess, "the domain was given to a second project");
        var message = Assert.Single(refused.Error.FieldErrors["Domains"]);
        Assert.Contains("is taken", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Alpha", message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("storefront", message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty((await _host.Get<ApplicationService>().ListAsync(_b.Owner, _b.Environment.Id)).Value!);
    }

    [Fact]
    public async Task Within_a_project_another_application_cannot_take_a_services_host_and_path_but_another_path_is_free()
    {
        Succeeded(await ComposeAsync(_a, "stack", "web: shop.example.com\napi: shop.example.com/api"));

        var twin = await AppAsync(_a, "twin", "shop.example.com/api");
        var otherStack = await ComposeAsync(_a, "other", "web: SHOP.example.com");
        var admin = await AppAsync(_a, "admin", "shop.example.com/admin");

        Assert.Contains("already routes to another application or service of this project", Assert.Single(twin.Error!.FieldErrors["Domains"]), StringComparison.Ordinal);
        Assert.Contains("already routes to another application or service of this project", Assert.Single(otherStack.Error!.FieldErrors["Domains"]), StringComparison.Ordinal);
        Assert.True(admin.IsSuccess, admin.Error?.Message);
    }

    [Theory]
    [InlineData("web: panel.example.com")]
    [InlineData("api: PANEL.example.com./api/v1")]
    [InlineData("admin: www.panel.example.com/")]
    public async Task A_service_cannot_claim_the_panels_own_host_with_any_path(string wanted)
    {
        var refused = await ComposeAsync(_a, "phish", "web: ok-" + Guid.NewGuid().ToString("N")[..8] + ".example.com\n" + wanted);

        Assert.Contains("the panel's own address", Assert.Single(refused.Error!.FieldErrors["Domains"]), StringComparison.Ordinal);
        Assert.Empty((await _host.Get<ApplicationService>().ListAsync(_a.Owner, _a.Environment.Id)).Value!);
    }

    [Fact]
    public async Task Two_services_of_one_application_cannot_share_a_host_and_path()
    {
        var refused = await ComposeAsync(_a, "stack", "web: shop.example.com\napi: Shop.Example.com.");

        Assert.Contains("listed twice", Assert.Single(refused.Error!.FieldErrors["Domains"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Moving_a_domain_between_the_applications_own_services_keeps_it_and_deleting_the_application_frees_it()
    {
        var stack = Succeeded(await ComposeAsync(_a, "stack", "web: shop.example.com\napi: shop.example.com/api"));
        var input = ApplicationInput.From(stack);
        input.Domains = "front: shop.example.com\nfront: shop.example.com/api";

        var moved = Succeeded(await _host.Get<ApplicationService>().UpdateAsync(_a.Owner, stack.Id, input));
        var stored = (await _host.Get<IApplicationRepository>().GetAsync(stack.Id))!;
        var whileHeld = await AppAsync(_b, "newcomer", "shop.example.com/api");
        Assert.True((await _host.Get<ApplicationService>().DeleteAsync(_a.Owner, stack.Id)).IsSuccess);
        var afterDelete = await AppAsync(_b, "newcomer", "shop.example.com/api");

        Assert.Equal(["front", "front"], moved.Domains.Select(d => d.Service));
        Assert.Equal(moved.Domains, stored.Domains);
        Assert.False(whileHeld.IsSuccess);
        Assert.True(afterDelete.IsSuccess, afterDelete.Error?.Message);
    }
}
