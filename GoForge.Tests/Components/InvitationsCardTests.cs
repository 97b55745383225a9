using Bunit;
using GoForge.Core.Identity;
using GoForge.Core.Identity.GitHub;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Settings;

namespace GoForge.Tests.Components;

[Collection(PostgresCollection.Name)]
public sealed class InvitationsCardTests(PostgresFixture postgres) : GitHubUiTest(postgres, UserRole.Admin)
{
    [Fact]
    public async Task A_new_invitation_shows_its_link_once_and_is_then_listed_as_pending_without_it()
    {
        var card = Render<InvitationsCard>();
        card.WaitForElement("[data-testid=invitations-empty]", WaitTimeout);

        card.Find("[data-testid=new-invitation]").Click();
        Dialogs.Fill("invitation-note", "for Grace");
        Dialogs.WaitForElement("[data-testid=create-invitation]", WaitTimeout).Click();

        var link = Dialogs.WaitForElement("input[data-testid=invitation-link]", WaitTimeout).GetAttribute("value")!;
        Assert.Matches("^http://localhost/invite/[A-Za-z0-9_-]{43}$", link);
        var token = link[(link.LastIndexOf('/') + 1)..];
        Assert.True((await Host.Get<InvitationService>().PreviewAsync(token)).IsSuccess);

        Dialogs.Find("[data-testid=invitation-done]").Click();

        card.WaitForAssertion(() => Assert.Single(card.FindAll("[data-testid=invitation-row]")), WaitTimeout);
        var row = card.Find("[data-testid=invitation-row]");
        Assert.Equal("pending", row.GetAttribute("data-status"));
        Assert.Contains("for Grace", row.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(token, card.Markup + Dialogs.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoking_asks_first_then_the_invitation_is_revoked_and_its_link_dead()
    {
        var created = (await Host.Get<InvitationService>().CreateAsync(Actor.From(SignedIn), new NewInvitationInput("old", UserRole.Member))).Value!;
        var card = Render<InvitationsCard>();

        card.WaitForElement("[data-testid=revoke-invitation]", WaitTimeout).Click();
        ClickInDialog("Revoke");

        card.WaitForAssertion(() => Assert.Equal("revoked", card.Find("[data-testid=invitation-row]").GetAttribute("data-status")), WaitTimeout);
        Assert.Empty(card.FindAll("[data-testid=revoke-invitation]"));
        Assert.False((await Host.Get<InvitationService>().PreviewAsync(created.Token)).IsSuccess);
    }
}
