using AngleSharp.Dom;
using Bunit;
using GoForge.Core.Auditing;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Applications;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace GoForge.Tests.Components;

public sealed class VariableEditorTests : GoForgeTestContext
{
    private const string SecretValue = "s3cr3t-Value-9f2b";

    private readonly InMemoryProjectStore _store;
    private readonly Actor _ada;

    public VariableEditorTests()
    {
        _store = Services.AddInMemoryProjects();
        _ada = this.SignIn(_store.AddUser("ada"));
    }

    [Fact]
    public async Task Secret_values_stay_out_of_the_markup_until_revealed()
    {
        var app = await AppWithVariablesAsync();
        var editor = RenderEditor(app.Id, canManage: true);

        var row = RowOf(editor, "API_TOKEN");
        Assert.Equal(MaskedVariable.Mask, row.QuerySelector("[data-testid=variable-value]")!.TextContent.Trim());
        Assert.DoesNotContain(SecretValue, editor.Markup, StringComparison.Ordinal);
        Assert.Equal("info", RowOf(editor, "LOG_LEVEL").QuerySelector("[data-testid=variable-value]")!.TextContent.Trim());

        row.QuerySelector("[data-testid=reveal-variable]")!.Click();

        editor.WaitForAssertion(() => Assert.Equal(SecretValue, RowOf(editor, "API_TOKEN").QuerySelector("[data-testid=variable-value]")!.TextContent.Trim()), WaitTimeout);
        Assert.Contains(_store.Audit, e => e.Action == AuditActions.SecretRevealed && e.Detail == "API_TOKEN");

        RowOf(editor, "API_TOKEN").QuerySelector("[data-testid=hide-variable]")!.Click();
        editor.WaitForAssertion(() => Assert.DoesNotContain(SecretValue, editor.Markup, StringComparison.Ordinal), WaitTimeout);
    }

    [Fact]
    public async Task Viewers_see_masked_secrets_and_no_reveal_edit_or_delete_buttons()
    {
        var app = await AppWithVariablesAsync();
        var editor = RenderEditor(app.Id, canManage: false);

        Assert.Equal(MaskedVariable.Mask, RowOf(editor, "API_TOKEN").QuerySelector("[data-testid=variable-value]")!.TextContent.Trim());
        Assert.Empty(editor.FindAll("[data-testid=reveal-variable], [data-testid=edit-variable], [data-testid=delete-variable], [data-testid=add-variable], [data-testid=bulk-paste]"));
        Assert.DoesNotContain(SecretValue, editor.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_add_row_saves_a_variable_and_shows_a_bad_key_under_the_key_field()
    {
        var app = await AppWithVariablesAsync();
        var editor = RenderEditor(app.Id, canManage: true);

        editor.WaitForElement("[data-testid=add-variable]", WaitTimeout).Click();
        editor.WaitForElement("[data-testid=variable-key-input]", WaitTimeout);
        editor.Fill("variable-key-input", "1BAD KEY");
        editor.Fill("variable-value-input", "x");
        editor.WaitForElement("[data-testid=save-variable]", WaitTimeout).Click();
        editor.WaitForAssertion(() => Assert.Contains("is not a valid key", editor.MessageUnder("variable-key-input"), StringComparison.Ordinal), WaitTimeout);

        editor.Fill("variable-key-input", "DATABASE_URL");
        editor.Fill("variable-value-input", "postgres://db/shop");
        editor.WaitForElement("[data-testid=save-variable]", WaitTimeout).Click();

        editor.WaitForAssertion(() => Assert.Equal("postgres://db/shop", RowOf(editor, "DATABASE_URL").QuerySelector("[data-testid=variable-value]")!.TextContent.Trim()), WaitTimeout);
        Assert.Empty(editor.FindAll("[data-testid=variable-key-input]"));
    }

    [Fact]
    public async Task Editing_a_hidden_secret_left_empty_keeps_its_value_and_a_typed_value_replaces_it()
    {
        var app = await AppWithVariablesAsync();
        var editor = RenderEditor(app.Id, canManage: true);

        RowOf(editor, "API_TOKEN").QuerySelector("[data-testid=edit-variable]")!.Click();
        editor.WaitForElement("[data-testid=variable-value-input]", WaitTimeout);
        Assert.Equal(string.Empty, editor.WaitForElement("[data-testid=variable-value-input]", WaitTimeout).GetAttribute("value") ?? string.Empty);
        editor.WaitForElement("input[data-testid=variable-build-time], [data-testid=variable-build-time] input", WaitTimeout).Change(true);
        editor.WaitForElement("[data-testid=save-variable]", WaitTimeout).Click();

        editor.WaitForAssertion(() => Assert.True(_store.Variables.Single(v => v.Key == "API_TOKEN").IsBuildTime), WaitTimeout);
        Assert.Equal(SecretValue, _store.Variables.Single(v => v.Key == "API_TOKEN").Value);

        RowOf(editor, "API_TOKEN").QuerySelector("[data-testid=edit-variable]")!.Click();
        editor.WaitForElement("[data-testid=variable-value-input]", WaitTimeout);
        editor.Fill("variable-value-input", "rotated");
        editor.WaitForElement("[data-testid=save-variable]", WaitTimeout).Click();

        editor.WaitForAssertion(() => Assert.Equal("rotated", _store.Variables.Single(v => v.Key == "API_TOKEN").Value), WaitTimeout);
        Assert.True(_store.Variables.Single(v => v.Key == "API_TOKEN").IsSecret);
        Assert.DoesNotContain("rotated", editor.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_variable_asks_first()
    {
        var app = await AppWithVariablesAsync();
        var dialogs = Render<MudDialogProvider>();
        var editor = RenderEditor(app.Id, canManage: true);

        RowOf(editor, "LOG_LEVEL").QuerySelector("[data-testid=delete-variable]")!.Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Delete LOG_LEVEL?", dialogs.Markup, StringComparison.Ordinal), WaitTimeout);
        Assert.Contains(_store.Variables, v => v.Key == "LOG_LEVEL");

        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").Click();

        editor.WaitForAssertion(() => Assert.DoesNotContain(_store.Variables, v => v.Key == "LOG_LEVEL"), WaitTimeout);
        editor.WaitForAssertion(() => Assert.DoesNotContain("LOG_LEVEL", editor.Markup, StringComparison.Ordinal), WaitTimeout);
    }

    internal static IElement RowOf<T>(IRenderedComponent<T> rendered, string key)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        rendered.FindAll("[data-testid=variables-table] tbody tr")
            .Single(tr => tr.QuerySelector("[data-testid=variable-key]")?.TextContent.Trim() == key);

    private IRenderedComponent<VariableEditor> RenderEditor(Guid applicationId, bool canManage)
    {
        var editor = Render<VariableEditor>(p => p
            .Add(c => c.ApplicationId, applicationId)
            .Add(c => c.CanManage, canManage)
            .Add(c => c.CanReveal, canManage));
        editor.WaitForElement("[data-testid=variable-key]", WaitTimeout);
        return editor;
    }

    private async Task<Application> AppWithVariablesAsync()
    {
        var (_, production) = await Services.CreateProjectAsync(_ada, "Shop");
        var app = await Services.CreateApplicationAsync(_ada, production.Id, "api");
        var variables = Services.GetRequiredService<VariableService>();
        Assert.True((await variables.SetManyAsync(_ada, app.Id, [new VariableInput("API_TOKEN", SecretValue, IsSecret: true), new VariableInput("LOG_LEVEL", "info")])).IsSuccess);
        return app;
    }
}
