using Bunit;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Applications;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace GoForge.Tests.Components;

public sealed class BulkPasteDialogTests : GoForgeTestContext
{
    private readonly InMemoryProjectStore _store;
    private readonly Actor _ada;

    public BulkPasteDialogTests()
    {
        _store = Services.AddInMemoryProjects();
        _ada = this.SignIn(_store.AddUser("ada"));
    }

    [Fact]
    public async Task Preview_shows_added_changed_and_unchanged_keys_and_every_error_line_and_Apply_stays_disabled()
    {
        var (dialogs, _) = await OpenAsync();

        dialogs.Fill("paste-text", "LOG_LEVEL=info\nPORT=9090\nNEW_KEY=hello\nthis line has no equals\n1BAD=x\nQUOTED=\"unclosed");
        dialogs.WaitForElement("[data-testid=preview-paste]", WaitTimeout).Click();

        dialogs.WaitForElement("[data-testid=paste-preview]", WaitTimeout);
        Assert.Equal(
            [("LOG_LEVEL", "unchanged"), ("PORT", "changed"), ("NEW_KEY", "added")],
            dialogs.FindAll("[data-testid=paste-line]").Select(tr => (tr.QuerySelector("code")!.TextContent, tr.GetAttribute("data-change")!)).ToArray());
        var errors = dialogs.FindAll("[data-testid=paste-error]").Select(li => li.TextContent).ToArray();
        Assert.Equal(3, errors.Length);
        Assert.Contains(errors, e => e.StartsWith("Line 4:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Line 5:", StringComparison.Ordinal) && e.Contains("1BAD", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Line 6:", StringComparison.Ordinal));
        Assert.Contains("1 key added · 1 changed · 1 unchanged", dialogs.WaitForElement("[data-testid=paste-summary]", WaitTimeout).TextContent, StringComparison.Ordinal);
        Assert.True(dialogs.WaitForElement("[data-testid=apply-paste]", WaitTimeout).HasAttribute("disabled"));
        Assert.Equal(["LOG_LEVEL", "PORT"], _store.Variables.Select(v => v.Key).Order().ToArray());
    }

    [Fact]
    public async Task A_clean_preview_enables_Apply_which_saves_the_pasted_secrets_without_showing_them()
    {
        var (dialogs, editor) = await OpenAsync();

        dialogs.Fill("paste-text", "PORT=9090\nexport STRIPE_KEY='sk_live_abc123'");
        dialogs.WaitForElement("[data-testid=paste-as-secrets]", WaitTimeout).Change(true);
        dialogs.WaitForElement("[data-testid=preview-paste]", WaitTimeout).Click();

        dialogs.WaitForAssertion(() => Assert.False(dialogs.WaitForElement("[data-testid=apply-paste]", WaitTimeout).HasAttribute("disabled")), WaitTimeout);
        Assert.Empty(dialogs.FindAll("[data-testid=paste-error]"));
        Assert.DoesNotContain("sk_live_abc123", dialogs.WaitForElement("[data-testid=paste-preview]", WaitTimeout).InnerHtml, StringComparison.Ordinal);

        dialogs.WaitForElement("[data-testid=apply-paste]", WaitTimeout).Click();

        editor.WaitForAssertion(() => Assert.NotNull(VariableEditorTests.RowOf(editor, "STRIPE_KEY")), WaitTimeout);
        var stripe = _store.Variables.Single(v => v.Key == "STRIPE_KEY");
        Assert.Equal(("sk_live_abc123", true), (stripe.Value, stripe.IsSecret));
        Assert.Equal(("9090", true), (_store.Variables.Single(v => v.Key == "PORT").Value, _store.Variables.Single(v => v.Key == "PORT").IsSecret));
        Assert.DoesNotContain("sk_live_abc123", editor.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_the_text_after_a_preview_disables_Apply_until_previewed_again()
    {
        var (dialogs, _) = await OpenAsync();

        dialogs.Fill("paste-text", "NEW_KEY=1");
        dialogs.WaitForElement("[data-testid=preview-paste]", WaitTimeout).Click();
        dialogs.WaitForAssertion(() => Assert.False(dialogs.WaitForElement("[data-testid=apply-paste]", WaitTimeout).HasAttribute("disabled")), WaitTimeout);

        dialogs.Fill("paste-text", "NEW_KEY=1\nbroken line");

        Assert.True(dialogs.WaitForElement("[data-testid=apply-paste]", WaitTimeout).HasAttribute("disabled"));
        Assert.Empty(dialogs.FindAll("[data-testid=paste-preview]"));
    }

    private async Task<(IRenderedComponent<MudDialogProvider> Dialogs, IRenderedComponent<VariableEditor> Editor)> OpenAsync()
    {
        var (_, production) = await Services.CreateProjectAsync(_ada, "Shop");
        var app = await Services.CreateApplicationAsync(_ada, production.Id, "api");
        var variables = Services.GetRequiredService<VariableService>();
        Assert.True((await variables.SetManyAsync(_ada, app.Id, [new VariableInput("LOG_LEVEL", "info"), new VariableInput("PORT", "8080")])).IsSuccess);

        var dialogs = Render<MudDialogProvider>();
        var editor = Render<VariableEditor>(p => p.Add(c => c.ApplicationId, app.Id).Add(c => c.CanManage, true).Add(c => c.CanReveal, true));
        editor.WaitForElement("[data-testid=bulk-paste]", WaitTimeout).Click();
        dialogs.WaitForElement("[data-testid=paste-text]", WaitTimeout);
        return (dialogs, editor);
    }
}
