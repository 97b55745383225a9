using Bunit;
using GoForge.Core.Identity;
using GoForge.Core.Identity.GitHub;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Settings;

namespace GoForge.Tests.Components;

[Collection(PostgresCollection.Name)]
public sealed class GitHubSignInCardTests(PostgresFixture postgres) : GitHubUiTest(postgres, UserRole.Admin)
{
    private const string ConfiguredSecret = "core-tests-secret";

    [Fact]
    public void Card_shows_the_configured_app_and_the_callback_to_register_and_the_secret_only_as_stored()
    {
        var card = Render<GitHubSignInCard>();

        Assert.Equal("from configuration", card.WaitForElement("[data-testid=github-origin]", WaitTimeout).TextContent.Trim());
        Assert.Equal("Iv1.core-tests", card.Find("input[data-testid=github-client-id]").GetAttribute("value"));
        Assert.Equal("http://localhost/account/github/callback", card.Find("[data-testid=github-callback-url]").TextContent.Trim());
        Assert.NotEmpty(card.FindAll("[data-testid=github-secret-masked]"));
        Assert.Empty(card.FindAll("[data-testid=github-client-secret]"));
        Assert.DoesNotContain(ConfiguredSecret, card.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Replacing_the_secret_saves_it_in_the_panel_and_masks_it_again()
    {
        var card = Render<GitHubSignInCard>();
        card.WaitForElement("[data-testid=github-replace-secret]", WaitTimeout).Click();
        card.Fill("github-client-secret", "replaced-secret-value");
        card.Fill("github-client-id", "Iv1.from-the-panel");

        card.Find("[data-testid=github-save]").Click();

        card.WaitForAssertion(() => Assert.Equal("set here", card.Find("[data-testid=github-origin]").TextContent.Trim()), WaitTimeout);
        var current = Host.Get<GitHubSettingsProvider>().Current;
        Assert.Equal(("Iv1.from-the-panel", "replaced-secret-value", GitHubSettingsOrigin.Panel), (current.ClientId, current.ClientSecret, current.Origin));
        Assert.NotEmpty(card.FindAll("[data-testid=github-secret-masked]"));
        Assert.DoesNotContain("replaced-secret-value", card.Markup, StringComparison.Ordinal);
        Assert.NotEmpty(card.FindAll("[data-testid=github-reset]"));
    }

    [Fact]
    public void Wrong_addresses_show_under_their_fields_and_nothing_is_saved()
    {
        var card = Render<GitHubSignInCard>();
        card.Fill("github-base-url", "ftp://github.example.com");
        card.Fill("github-api-url", "api.github.com");

        card.Find("[data-testid=github-save]").Click();

        card.WaitForAssertion(() => Assert.Contains("must be an absolute http(s) address", card.MessageUnder("github-base-url"), StringComparison.Ordinal), WaitTimeout);
        Assert.True(card.ShowsError("github-api-url"));
        Assert.Equal(GitHubSettingsOrigin.Configuration, Host.Get<GitHubSettingsProvider>().Current.Origin);
    }

    [Fact]
    public void Use_configuration_forgets_the_saved_settings_once_confirmed()
    {
        var card = Render<GitHubSignInCard>();
        card.WaitForElement("[data-testid=github-save]", WaitTimeout).Click();
        card.WaitForElement("[data-testid=github-reset]", WaitTimeout).Click();

        ClickInDialog("Forget them");

        card.WaitForAssertion(() => Assert.Equal("from configuration", card.Find("[data-testid=github-origin]").TextContent.Trim()), WaitTimeout);
        Assert.Equal(GitHubSettingsOrigin.Configuration, Host.Get<GitHubSettingsProvider>().Current.Origin);
        Assert.Empty(card.FindAll("[data-testid=github-reset]"));
    }
}
