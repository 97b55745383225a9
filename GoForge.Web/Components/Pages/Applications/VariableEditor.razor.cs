using GoForge.Core.Common;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Applications;

public sealed partial class VariableEditor
{
    [Inject]
    public required VariableService Variables { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    /// <summary>The application whose variables are shown. Required.</summary>
    [Parameter, EditorRequired]
    public Guid ApplicationId { get; set; }

    /// <summary>Whether the viewer may add, change, paste and delete variables. Default false.</summary>
    [Parameter]
    public bool CanManage { get; set; }

    /// <summary>Whether the viewer may reveal secret values (each reveal is audited). Default false.</summary>
    [Parameter]
    public bool CanReveal { get; set; }

    /// <summary>Whether the application is a compose application: a variable may then be limited to some of its services. Default false.</summary>
    [Parameter]
    public bool IsCompose { get; set; }

    private readonly FormErrors _errors = new("Key", "Value", nameof(VariableInput.Services));

    // Secret values this viewer chose to see, only for as long as the list is not reloaded.
    private readonly Dictionary<Guid, string> _revealed = [];
    private IReadOnlyList<MaskedVariable>? _variables;
    private VariableDraft? _draft;
    private Guid? _loadedApplicationId;
    private bool _busy;

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedApplicationId != ApplicationId)
        {
            _loadedApplicationId = ApplicationId;
            await LoadAsync();
        }
    }

    private async Task LoadAsync()
    {
        var result = await Variables.ListAsync(await CurrentUser.GetActorAsync(), ApplicationId);
        _variables = result.IsSuccess ? result.Value : [];
        _revealed.Clear();
        if (!result.IsSuccess)
        {
            Snackbar.Add(result.Error.Message, Severity.Error);
        }
    }

    private async Task RevealAsync(MaskedVariable variable)
    {
        var result = await Variables.RevealAsync(await CurrentUser.GetActorAsync(), variable.Id);
        if (result.IsSuccess)
        {
            _revealed[variable.Id] = result.Value;
        }
        else
        {
            Snackbar.Add(result.Error.Message, Severity.Error);
        }
    }

    private void Hide(MaskedVariable variable) => _revealed.Remove(variable.Id);

    private void StartAdd() => Begin(new VariableDraft { Compose = IsCompose });

    private void StartEdit(MaskedVariable variable) => Begin(VariableDraft.Edit(variable, _revealed.GetValueOrDefault(variable.Id), IsCompose));

    private void Begin(VariableDraft draft)
    {
        _errors.Clear();
        _draft = draft;
    }

    private void Cancel()
    {
        _errors.Clear();
        _draft = null;
    }

    private async Task SaveAsync()
    {
        if (_draft is null)
        {
            return;
        }

        if (Refuse(_draft) is { } refusal)
        {
            _errors.Set(refusal);
            return;
        }

        _busy = true;
        var input = _draft.ToInput();
        var result = await Variables.SetAsync(await CurrentUser.GetActorAsync(), ApplicationId, input);
        _busy = false;
        if (!result.IsSuccess)
        {
            _errors.Set(result.Error);
            return;
        }

        Snackbar.Add($"Saved {input.Key}. It applies from the next deployment.", Severity.Success);
        _draft = null;
        await LoadAsync();
    }

    /// <summary>A mistake only this page can see: adding a key that exists (saving would overwrite it).</summary>
    private Error? Refuse(VariableDraft draft)
    {
        var key = draft.Key?.Trim();
        return draft.IsNew && _variables?.Any(v => v.Key == key) == true
            ? Error.Validation("Key", $"{key} exists already; edit it in its row instead.")
            : null;
    }

    private async Task DeleteAsync(MaskedVariable variable)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Delete variable",
            $"Delete {variable.Key}? The application no longer gets it from its next deployment.",
            yesText: "Delete", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        var result = await Variables.DeleteAsync(await CurrentUser.GetActorAsync(), variable.Id);
        Snackbar.Add(result.Error?.Message ?? $"Deleted {variable.Key}.", result.IsSuccess ? Severity.Success : Severity.Error);
        await LoadAsync();
    }

    private async Task PasteAsync()
    {
        var parameters = new DialogParameters<BulkPasteDialog> { { d => d.ApplicationId, ApplicationId } };
        var options = new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true };
        var dialog = await Dialogs.ShowAsync<BulkPasteDialog>("Paste .env", parameters, options);
        if (await dialog.Result is { Canceled: false, Data: VariablePreview applied })
        {
            var added = applied.Lines.Count(l => l.Change == VariableChange.Added);
            var changed = applied.Lines.Count(l => l.Change == VariableChange.Changed);
            Snackbar.Add($"{Wording.Count(added, "variable")} added, {changed} changed. They apply from the next deployment.", Severity.Success);
            await LoadAsync();
        }
    }
}
