using Bunit;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Auth;
using GoForge.Web.Components.Pages.Account;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace GoForge.Tests.Components;

/// <summary>The profile's API tokens card over the real Core services and a migrated database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiTokensCardTests(PostgresFixture postgres) : GoForgeTestContext
{
    private TestHost _host = null!;
    private User _user = null!;
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;

    private ApiTokenService Tokens => _host.Get<ApiTokenService>();

    protected override async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "tokencard");
        _user = await TestUsers.CreateAsync(_host);
        foreach (var type in new[] { typeof(ApiTokenService), typeof(ProjectService), typeof(TimeProvider) })
        {
            Services.AddSingleton(type, _host.Services.GetRequiredService(type));
        }

        Services.AddScoped<CurrentUser>();
        this.SignIn(_user);
        _dialogs = Render<MudDialogProvider>();
        Render<MudSnackbarProvider>();
    }

    protected override ValueTask DisposeResourcesAsync() => _host.DisposeAsync();

    [Fact]
    public void The_card_says_a_password_change_revokes_every_token()
    {
        var card = Render<ApiTokensCard>();

        Assert.Contains("Changing your password revokes all your tokens", card.Find("[data-testid=api-tokens-password-note]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_a_token_shows_it_once_with_a_warning_and_lists_it_without_the_token()
    {
        var card = Render<ApiTokensCard>();
        card.WaitForElement("[data-testid=api-tokens-empty]", WaitTimeout);

        card.Find("[data-testid=api-token-new]").Click();
        _dialogs.Fill("api-token-name-input", "CI deploys");
        _dialogs.WaitForElement("[data-testid=api-token-scope-deploy]", WaitTimeout).Change(true);
        _dialogs.Find("[data-testid=api-token-create]").Click();

        var secret = _dialogs.WaitForElement("[data-testid=api-token-secret]", WaitTimeout).GetAttribute("value")!;
        Assert.Matches("^gf_[A-Za-z0-9_-]{43}$", secret);
        Assert.Contains("shown only this once", _dialogs.Find("[data-testid=api-token-once]").TextContent, StringComparison.Ordinal);
        Assert.Equal(ApiScope.Read | ApiScope.Deploy, (await Tokens.AuthenticateAsync(secret)).Value!.Token.Scopes);

        _dialogs.Find("[data-testid=api-token-done]").Click();
        card.WaitForAssertion(() => Assert.Equal("CI deploys", card.Find("[data-testid=api-token-name]").TextContent.Trim()), WaitTimeout);
        Assert.Equal("Active", card.Find("[data-testid=api-token-state]").TextContent.Trim());
        Assert.DoesNotContain(secret[3..], card.Markup, StringComparison.Ordinal);
        Assert.Empty(_dialogs.FindAll("[data-testid=api-token-secret]"));
    }

    [Fact]
    public void A_member_is_not_offered_the_admin_scope_and_a_missing_name_shows_under_the_field()
    {
        var card = Render<ApiTokensCard>();
        card.WaitForElement("[data-testid=api-token-new]", WaitTimeout).Click();

        _dialogs.WaitForElement("[data-testid=api-token-scope-read]", WaitTimeout);
        Assert.Empty(_dialogs.FindAll("[data-testid=api-token-scope-admin]"));
        _dialogs.Find("[data-testid=api-token-create]").Click();

        _dialogs.WaitForAssertion(() => Assert.True(_dialogs.ShowsError("api-token-name-input")), WaitTimeout);
        Assert.Empty(_dialogs.FindAll("[data-testid=api-token-secret]"));
    }

    [Fact]
    public async Task Revoking_asks_first_then_marks_the_token_revoked_and_it_stops_working()
    {
        var created = (await Tokens.CreateAsync(Actor.From(_user), new ApiTokenInput { Name = "old laptop" })).Value!;
        var card = Render<ApiTokensCard>();

        card.WaitForElement("[data-testid=api-token-revoke]", WaitTimeout).Click();
        ClickInDialog("Revoke");

        card.WaitForAssertion(() => Assert.Equal("Revoked", card.Find("[data-testid=api-token-state]").TextContent.Trim()), WaitTimeout);
        Assert.Empty(card.FindAll("[data-testid=api-token-revoke]"));
        Assert.False((await Tokens.AuthenticateAsync(created.Secret)).IsSuccess);
    }

    private void ClickInDialog(string text) =>
        _dialogs.WaitForAssertion(() => _dialogs.FindAll("button").First(b => b.TextContent.Trim() == text).Click(), WaitTimeout);
}
