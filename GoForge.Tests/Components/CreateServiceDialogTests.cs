using Bunit;
using GoForge.Core.Services;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace GoForge.Tests.Components;

/// <summary>
/// The create dialog over the real services and engine: generated credentials shown masked and editable, hostile
/// values refused at their fields with nothing created, a real creation closing with the running service, and an
/// image no registry has failing with the reason and nothing half-made.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CreateServiceDialogTests(PostgresFixture postgres, DockerFixture docker) : ServiceUiTest(postgres, docker), IClassFixture<DockerFixture>
{
    private static readonly TimeSpan CreateTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Generated_credentials_are_masked_until_shown_and_another_is_generated_on_request()
    {
        SignInOwner();
        var (dialogs, _) = await OpenAsync("test-kv");

        var password = dialogs.WaitForElement("[data-testid=service-input-password]", WaitTimeout);
        Assert.Equal("password", password.GetAttribute("type"));
        var first = password.GetAttribute("value")!;
        Assert.Equal(24, first.Length);
        Assert.Equal("kv", dialogs.Find("[data-testid=service-input-realm]").GetAttribute("value"));
        Assert.Equal("text", dialogs.Find("[data-testid=service-input-realm]").GetAttribute("type"));
        Assert.Empty(dialogs.FindAll("[data-testid=regenerate-realm]"));

        dialogs.Find("[data-testid=regenerate-password]").Click();
        dialogs.WaitForAssertion(() => Assert.NotEqual(first, dialogs.Find("[data-testid=service-input-password]").GetAttribute("value")), WaitTimeout);
        Assert.Equal(24, dialogs.Find("[data-testid=service-input-password]").GetAttribute("value")!.Length);

        dialogs.Find("button[aria-label='Show Password']").Click();
        dialogs.WaitForAssertion(() => Assert.Equal("text", dialogs.Find("[data-testid=service-input-password]").GetAttribute("type")), WaitTimeout);
    }

    [Fact]
    public async Task A_taken_name_is_offered_with_the_next_number()
    {
        SignInOwner();
        await HostServices.GetRequiredService<IServiceInstanceRepository>().TryCreateAsync(new ServiceInstance
        {
            Id = Guid.CreateVersion7(),
            ProjectId = Project.Id,
            EnvironmentId = Production.Id,
            TemplateId = "test-kv",
            Version = "latest",
            Name = "test-kv",
            Slug = "test-kv",
            State = ServiceState.Stopped,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        }, new Dictionary<string, string>(), null);

        var (dialogs, _) = await OpenAsync("test-kv");

        dialogs.WaitForAssertion(() => Assert.Equal("test-kv-2", dialogs.Find("[data-testid=service-name]").GetAttribute("value")), WaitTimeout);
    }

    [Theory]
    [InlineData("service-name", "$(;|&)", "at least one letter or digit")]
    [InlineData("service-name", "kv\u202Egnp.exe", "control or text-direction")]
    [InlineData("service-input-realm", "kv; rm -rf /", "letters, digits and . _ - only")]
    [InlineData("service-input-password", "--privileged", "not starting with '-'")]
    [InlineData("service-input-realm", "../../etc", "letters, digits and . _ - only")]
    public async Task A_hostile_value_is_refused_at_its_field_and_nothing_is_created(string field, string value, string message)
    {
        SignInOwner();
        var (dialogs, reference) = await OpenAsync("test-kv");
        dialogs.Fill(field, value);

        dialogs.Find("[data-testid=create-service]").Click();

        dialogs.WaitForAssertion(() => Assert.True(dialogs.ShowsError(field)), WaitTimeout);
        Assert.Contains(message, dialogs.MessageUnder(field), StringComparison.Ordinal);
        Assert.False(reference.Result.IsCompleted);
        Assert.Empty((await ServiceInstances.ListAsync(Owner, Production.Id)).Value!);
        Assert.Empty(await ContainersAsync());
        Assert.Empty(await VolumesAsync());
    }

    [Fact]
    public async Task A_template_served_over_http_asks_for_its_domain()
    {
        SignInOwner();
        var (dialogs, reference) = await OpenAsync("test-kv");
        dialogs.Fill("service-domain", string.Empty);

        dialogs.Find("[data-testid=create-service]").Click();

        dialogs.WaitForAssertion(() => Assert.True(dialogs.ShowsError("service-domain")), WaitTimeout);
        Assert.Contains("choose its domain", dialogs.MessageUnder("service-domain"), StringComparison.Ordinal);
        Assert.False(reference.Result.IsCompleted);
        Assert.Empty((await ServiceInstances.ListAsync(Owner, Production.Id)).Value!);
    }

    [Fact]
    public async Task Create_runs_the_service_and_closes_with_its_id()
    {
        SignInOwner();
        var (dialogs, reference) = await OpenAsync("test-kv");
        dialogs.Fill("service-name", "Cache One");

        dialogs.Find("[data-testid=create-service]").Click();

        var result = await reference.Result.WaitAsync(CreateTimeout);
        var id = Assert.IsType<Guid>(result!.Data);
        var service = (await ServiceInstances.GetAsync(Owner, id)).Value!;
        Assert.Equal((ServiceState.Running, "cache-one"), (service.State, service.Slug));
        var container = Assert.Single(await ContainersAsync());
        Assert.Equal(id.ToString(), container.Labels[ServiceLabels.Service]);
        Assert.Single(await VolumesAsync());
    }

    [Fact]
    public async Task An_image_no_registry_has_fails_with_the_reason_and_leaves_no_container_or_volume()
    {
        SignInOwner();
        var (dialogs, reference) = await OpenAsync("test-absent");

        dialogs.Find("[data-testid=create-service]").Click();

        var failed = dialogs.WaitForElement("[data-testid=create-service-failed]", CreateTimeout);
        Assert.Contains("127.0.0.1:9/goforge-test/absent:latest is not on this server and could not be pulled", failed.TextContent, StringComparison.Ordinal);
        Assert.Equal("Failed", dialogs.Find("[data-testid=service-state]").GetAttribute("data-state"));
        var service = Assert.Single((await ServiceInstances.ListAsync(Owner, Production.Id)).Value!);
        Assert.Equal(ServiceState.Failed, service.State);
        Assert.Empty(await ContainersAsync());
        Assert.Empty(await VolumesAsync());

        dialogs.Find("[data-testid=open-service]").Click();
        Assert.Equal(service.Id, (await reference.Result.WaitAsync(WaitTimeout))!.Data);
    }

    private async Task<(IRenderedComponent<MudDialogProvider> Dialogs, IDialogReference Reference)> OpenAsync(string templateId)
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var dialogs = Render<MudDialogProvider>();
        Render<MudSnackbarProvider>();
        var parameters = new DialogParameters<CreateServiceDialog>
        {
            { d => d.EnvironmentId, Production.Id },
            { d => d.TemplateId, templateId },
        };
        IDialogReference? reference = null;
        await dialogs.InvokeAsync(async () => reference = await Services.GetRequiredService<IDialogService>().ShowAsync<CreateServiceDialog>("Add", parameters));
        dialogs.WaitForElement("[data-testid=service-name]", WaitTimeout);

        // The test templates are served over HTTP and name their public URL, so they need a domain.
        dialogs.Fill("service-domain", "kv.example.com");
        return (dialogs, reference!);
    }
}
