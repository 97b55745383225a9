using GoForge.Core.Projects;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Applications;

public sealed partial class BulkPasteDialog
{
    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [Inject]
    public required VariableService Variables { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    /// <summary>The application the variables are pasted into. Required.</summary>
    [Parameter, EditorRequired]
    public Guid ApplicationId { get; set; }

    private string? _text;
    private bool _asSecrets;
    private VariablePreview? _preview;
    private string? _message;
    private bool _busy;

    // Apply only what was previewed: any edit after the preview asks for a new one.
    private bool CanApply => _preview is { CanApply: true } && !_busy;

    private int Count(VariableChange change) => _preview?.Lines.Count(l => l.Change == change) ?? 0;

    private void TextChanged(string? text)
    {
        _text = text;
        _preview = null;
    }

    private void SecretsChanged(bool asSecrets)
    {
        _asSecrets = asSecrets;
        _preview = null;
    }

    private async Task PreviewAsync()
    {
        _busy = true;
        var result = await Variables.PreviewPasteAsync(await CurrentUser.GetActorAsync(), ApplicationId, _text, _asSecrets);
        _busy = false;
        (_preview, _message) = (result.Value, result.Error?.Message);
    }

    private async Task ApplyAsync()
    {
        if (!CanApply)
        {
            return;
        }

        _busy = true;
        var result = await Variables.ApplyPasteAsync(await CurrentUser.GetActorAsync(), ApplicationId, _text, _asSecrets);
        _busy = false;
        if (result.IsSuccess)
        {
            Dialog.Close(DialogResult.Ok(result.Value));
            return;
        }

        _message = result.Error.Message;
    }

    private static Color ColorOf(VariableChange change) => change switch
    {
        VariableChange.Added => Color.Success,
        VariableChange.Changed => Color.Warning,
        _ => Color.Default,
    };
}
