using GoForge.Core.Common;
using GoForge.Core.Previews;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Previews;

/// <summary>The preview settings form; the parent saves through <see cref="OnSave"/> and gets the refusal back to show by field.</summary>
public sealed partial class PreviewSettingsCard : ComponentBase
{
    /// <summary>The settings as stored. Required.</summary>
    [Parameter, EditorRequired]
    public PreviewSettings Settings { get; set; } = default!;

    /// <summary>Whether the viewer may change them (maintainers). Default false.</summary>
    [Parameter]
    public bool CanManage { get; set; }

    /// <summary>Saves the input; answers the error to show, or null when saved. Required.</summary>
    [Parameter, EditorRequired]
    public Func<PreviewSettingsInput, Task<Error?>> OnSave { get; set; } = default!;

    private PreviewSettingsInput _input = new();
    private PreviewSettings? _shown;
    private FieldErrorView _errors = FieldErrorView.None;

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_shown, Settings))
        {
            _shown = Settings;
            _input = new PreviewSettingsInput
            {
                Enabled = Settings.Enabled, DomainPattern = Settings.DomainPattern, MaxConcurrent = Settings.MaxConcurrent, IdleDays = Settings.IdleDays,
            };
        }
    }

    private async Task SaveAsync() => _errors = FieldErrorView.Of(await OnSave(_input));
}

/// <summary>An error's messages by field, for a form's inputs.</summary>
internal sealed record FieldErrorView(IReadOnlyDictionary<string, string[]> Fields, string? General)
{
    public static readonly FieldErrorView None = new(new Dictionary<string, string[]>(), null);

    public static FieldErrorView Of(Error? error) => error is null ? None : new(error.FieldErrors, error.FieldErrors.Count == 0 ? error.Message : null);

    public bool Has(string field) => Fields.ContainsKey(field);

    public string? Of(string field) => Fields.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
}
