using Bunit;
using GoForge.Core.Identity;
using GoForge.Core.Identity.TwoFactor;
using GoForge.Tests.Harness;
using GoForge.Tests.Identity.TwoFactor;
using GoForge.Tests.Support;
using GoForge.Web.Auth;
using GoForge.Web.Components.Pages.Account.TwoFactor;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace GoForge.Tests.Components;

/// <summary>The profile's two-factor card and the re-verify prompt over the real Core services and a migrated database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TwoFactorCardTests(PostgresFixture postgres) : GoForgeTestContext
{
    private TestHost _host = null!;
    private User _user = null!;

    protected override async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "twofactorcard");
        _user = await TestUsers.CreateAsync(_host);
        foreach (var type in new[] { typeof(TwoFactorService), typeof(RecentSecondFactor), typeof(TwoFactorPolicyService) })
        {
            Services.AddSingleton(type, _host.Services.GetRequiredService(type));
        }

        Services.AddScoped<CurrentUser>();
        this.SignIn(_user);
        Render<MudSnackbarProvider>();
    }

    protected override ValueTask DisposeResourcesAsync() => _host.DisposeAsync();

    [Fact]
    public void Set_up_shows_a_qr_code_and_the_key_and_turns_on_only_with_a_right_code_then_shows_ten_codes_once()
    {
        var card = Render<TwoFactorCard>();
        card.WaitForElement("[data-testid=two-factor-begin]", WaitTimeout).Click();

        var qr = card.WaitForElement("[data-testid=two-factor-qr]", WaitTimeout);
        Assert.StartsWith("data:image/png;base64,", qr.GetAttribute("src"), StringComparison.Ordinal);
        var secret = card.Find("[data-testid=two-factor-secret]").TextContent.Replace(" ", "", StringComparison.Ordinal);
        var wrong = TotpCodes.Now(secret) == "000000" ? "111111" : "000000";
        card.Fill("two-factor-confirm-code", wrong);
        card.Find("[data-testid=two-factor-confirm]").Click();
        card.WaitForAssertion(() => Assert.Equal(TwoFactorService.WrongCodeMessage, card.MessageUnder("two-factor-confirm-code")), WaitTimeout);

        card.Fill("two-factor-confirm-code", TotpCodes.Now(secret));
        card.Find("[data-testid=two-factor-confirm]").Click();

        card.WaitForAssertion(() => Assert.Equal(TwoFactorCodes.RecoveryCodeCount, card.FindAll("[data-testid=two-factor-recovery-code]").Count), WaitTimeout);
        card.Find("[data-testid=two-factor-codes-done]").Click();
        card.WaitForAssertion(() => Assert.Contains("10 recovery codes left", card.Find("[data-testid=two-factor-on]").TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.Empty(card.FindAll("[data-testid=two-factor-recovery-code]"));
    }

    [Fact]
    public async Task When_an_administrator_requires_it_the_card_offers_no_way_to_turn_it_off()
    {
        var start = (await _host.Get<TwoFactorService>().BeginAsync(Actor.From(_user))).Value!;
        Assert.True((await _host.Get<TwoFactorService>().ConfirmAsync(Actor.From(_user), TotpCodes.Now(start.Secret))).IsSuccess);
        await _host.Get<TwoFactorPolicyService>().SaveAsync(Actor.Operator, new TwoFactorPolicy(false, RequireForEveryone: true, false));
        try
        {
            var card = Render<TwoFactorCard>();

            card.WaitForElement("[data-testid=two-factor-regenerate]", WaitTimeout);
            Assert.Empty(card.FindAll("[data-testid=two-factor-disable]"));
            Assert.Empty(card.FindAll("[data-testid=two-factor-password]"));
        }
        finally
        {
            await _host.Get<TwoFactorPolicyService>().SaveAsync(Actor.Operator, TwoFactorPolicy.Default);
        }
    }

    [Fact]
    public void Re_verify_outside_a_browser_session_says_so_and_raises_nothing()
    {
        var verified = false;
        var prompt = Render<ReverifySecondFactor>(p => p.Add(c => c.Verified, () => verified = true));

        prompt.Fill("two-factor-reverify-code", "123456");
        prompt.Find("[data-testid=two-factor-reverify-submit]").Click();

        prompt.WaitForAssertion(() => Assert.Contains("signed-in browser session", prompt.MessageUnder("two-factor-reverify-code"), StringComparison.Ordinal), WaitTimeout);
        Assert.False(verified);
    }
}
