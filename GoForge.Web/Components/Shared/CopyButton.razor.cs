using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace GoForge.Web.Components.Shared;

public sealed partial class CopyButton
{
    [Inject]
    public required IJSRuntime JS { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    /// <summary>The text to copy. Required.</summary>
    [Parameter, EditorRequired]
    public string Text { get; set; } = string.Empty;

    /// <summary>What the button copies, as its tooltip and accessible name ("Copy the GitHub URL"). Default "Copy".</summary>
    [Parameter]
    public string Label { get; set; } = "Copy";

    /// <summary>Extra attributes for the button, such as <c>data-testid</c>.</summary>
    [Parameter(CaptureUnmatchedValues = true)]
    public IReadOnlyDictionary<string, object>? Attributes { get; set; }

    private async Task CopyAsync()
    {
        if (await JS.WriteAsync(Text))
        {
            Snackbar.Add("Copied to the clipboard.", Severity.Success);
        }
        else
        {
            Snackbar.Add(Clipboard.Refused, Severity.Warning);
        }
    }
}
