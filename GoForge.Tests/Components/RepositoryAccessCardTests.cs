using Bunit;
using GoForge.Core.GitProviders;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Applications;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace GoForge.Tests.Components;

/// <summary>The repository access card over the real credential service, key generator and PostgreSQL (secrets encrypted at rest).</summary>
[Collection(PostgresCollection.Name)]
public sealed class RepositoryAccessCardTests(PostgresFixture postgres) : DeploymentUiTest(postgres)
{
    private const string Token = "glpat-Zq8vN3xK0pT7wR2mY5sB";

    private GitCredentialService Credentials => Services.GetRequiredService<GitCredentialService>();

    [Fact]
    public async Task Setting_a_token_shows_kind_token_and_never_renders_the_token()
    {
        SignInOwner();
        var page = RenderSettingsTab();

        page.WaitForElement("[data-testid=credential-none]", WaitTimeout);
        Assert.Equal("git", page.Find("[data-testid=git-token-username]").GetAttribute("value"));
        page.Find("[data-testid=save-git-token]").Click();
        page.WaitForAssertion(() => Assert.Equal("Paste the access token.", page.MessageUnder("git-token-value")), WaitTimeout);

        page.Fill("git-token-username", "deploy-bot");
        page.Fill("git-token-value", Token);
        page.Find("[data-testid=save-git-token]").Click();

        page.WaitForAssertion(() => Assert.Equal("Token", page.Find("[data-testid=credential]").GetAttribute("data-kind")), WaitTimeout);
        Assert.Equal("HTTPS access token", page.Find("[data-testid=credential-kind]").TextContent.Trim());
        Assert.Equal("deploy-bot", page.Find("[data-testid=credential-username]").TextContent.Trim());
        Assert.DoesNotContain(Token, page.Markup, StringComparison.Ordinal);
        Assert.True(string.IsNullOrEmpty(page.Find("[data-testid=git-token-value]").GetAttribute("value")), "the token field is emptied after saving");
        var stored = (await Credentials.GetAsync(Owner, GitCredentialScope.Application(App.Id))).Value;
        Assert.Equal((GitCredentialKind.Token, "deploy-bot", false), (stored!.Kind, stored.Username, stored.Inherited));
    }

    [Fact]
    public void Generating_a_deploy_key_shows_its_ssh_ed25519_public_key_to_copy()
    {
        SignInOwner();
        var page = RenderSettingsTab();

        page.WaitForElement("[data-testid=generate-deploy-key]", WaitTimeout).Click();

        page.WaitForAssertion(() => Assert.Equal("SshKey", page.Find("[data-testid=credential]").GetAttribute("data-kind")), WaitTimeout);
        var publicKey = PublicKeyOf(page);
        Assert.StartsWith("ssh-ed25519 ", publicKey, StringComparison.Ordinal);
        Assert.StartsWith("SHA256:", page.Find("[data-testid=credential-fingerprint]").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Contains("read-only deploy key", page.MessageUnder("credential-public-key"), StringComparison.Ordinal);
        Assert.Contains("Not pinned yet", page.Find("[data-testid=credential-host-key]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", page.Markup, StringComparison.Ordinal);

        page.Find("[data-testid=copy-public-key]").Click();

        page.WaitForAssertion(() => Assert.Equal(publicKey, JSInterop.VerifyInvoke("navigator.clipboard.writeText").Arguments[0]), WaitTimeout);
    }

    [Theory]
    [InlineData(ProjectRole.Viewer)]
    [InlineData(ProjectRole.Deployer)]
    public async Task Non_maintainers_see_the_credential_but_no_buttons(ProjectRole role)
    {
        await SignInAsync(role);
        Assert.True((await Credentials.SetTokenAsync(Owner, GitCredentialScope.Application(App.Id), new GitTokenInput("git", Token))).IsSuccess);
        var page = RenderSettingsTab();

        page.WaitForAssertion(() => Assert.Equal("HTTPS access token", page.Find("[data-testid=credential-kind]").TextContent.Trim()), WaitTimeout);
        Assert.Empty(page.FindAll("[data-testid=repository-access] button"));
        Assert.Empty(page.FindAll("[data-testid=git-token-form]"));
        Assert.DoesNotContain(Token, page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Project_credential_is_marked_inherited_on_its_applications()
    {
        SignInOwner();
        var projectCard = Render<RepositoryAccessCard>(p => p.Add(c => c.Scope, GitCredentialScope.Project(Project.Id)).Add(c => c.CanManage, true));
        projectCard.WaitForElement("[data-testid=generate-deploy-key]", WaitTimeout).Click();
        projectCard.WaitForElement("[data-testid=credential-public-key]", WaitTimeout);
        Assert.Empty(projectCard.FindAll("[data-testid=credential-inherited]"));

        var page = RenderSettingsTab();

        page.WaitForElement("[data-testid=credential-inherited]", WaitTimeout);
        Assert.Equal(PublicKeyOf(projectCard), PublicKeyOf(page));
        Assert.Equal("Use an HTTPS token", page.Find("[data-testid=repository-access] h3").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=remove-credential], [data-testid=forget-host-key]"));
    }

    [Fact]
    public async Task Removing_asks_first_then_the_application_falls_back_to_the_project_credential()
    {
        SignInOwner();
        await Credentials.SetTokenAsync(Owner, GitCredentialScope.Project(Project.Id), new GitTokenInput("project-bot", Token));
        await Credentials.GenerateDeployKeyAsync(Owner, GitCredentialScope.Application(App.Id));
        var dialogs = Render<MudDialogProvider>();
        var page = RenderSettingsTab();

        page.WaitForElement("[data-testid=remove-credential]", WaitTimeout).Click();
        dialogs.WaitForAssertion(() => Assert.Contains("uses the project's credential", dialogs.Markup, StringComparison.Ordinal), WaitTimeout);
        Assert.Equal("SshKey", page.Find("[data-testid=credential]").GetAttribute("data-kind"));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Remove").Click();

        page.WaitForElement("[data-testid=credential-inherited]", WaitTimeout);
        Assert.Equal(("Token", "project-bot"), (page.Find("[data-testid=credential]").GetAttribute("data-kind"), page.Find("[data-testid=credential-username]").TextContent.Trim()));
    }

    [Fact]
    public async Task Forgetting_the_pinned_host_key_asks_first()
    {
        SignInOwner();
        var scope = GitCredentialScope.Application(App.Id);
        await Credentials.GenerateDeployKeyAsync(Owner, scope);
        var stored = await Services.GetRequiredService<IGitCredentialRepository>().GetAsync(Project.Id, App.Id);
        Assert.True(await Credentials.PinHostKeyAsync(stored!, "SHA256:host-key-of-git.example.com", CancellationToken.None));
        var dialogs = Render<MudDialogProvider>();
        var page = RenderSettingsTab();

        Assert.Contains("SHA256:host-key-of-git.example.com", page.WaitForElement("[data-testid=credential-host-key]", WaitTimeout).TextContent, StringComparison.Ordinal);
        page.Find("[data-testid=forget-host-key]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Forget the pinned host key?", dialogs.Markup, StringComparison.Ordinal), WaitTimeout);
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Forget").Click();

        page.WaitForAssertion(() => Assert.Contains("Not pinned yet", page.Find("[data-testid=credential-host-key]").TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.Null((await Credentials.GetAsync(Owner, scope)).Value!.KnownHostKey);
        Assert.Empty(page.FindAll("[data-testid=forget-host-key]"));
    }

    private static string PublicKeyOf<T>(IRenderedComponent<T> rendered)
        where T : IComponent
    {
        var field = rendered.Find("[data-testid=credential-public-key]");
        return (field.GetAttribute("value") ?? field.TextContent).Trim();
    }

    private IRenderedComponent<ApplicationPage> RenderSettingsTab()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/applications/{App.Id}?tab=settings");
        return Render<ApplicationPage>(p => p.Add(c => c.ApplicationId, App.Id));
    }
}
