using Bunit;
using Microsoft.AspNetCore.Components;

namespace GoForge.Tests.Support;

/// <summary>Drives MudBlazor inputs by their <c>data-testid</c> (MudBlazor puts it on the input element itself).</summary>
public static class MudInputs
{
    /// <summary>Types a value the way the browser reports it: input events for immediate fields, change events otherwise.</summary>
    public static void Fill<T>(this IRenderedComponent<T> rendered, string testId, string value)
        where T : IComponent
    {
        // Dialogs and edit rows appear after an asynchronous render: wait for the field rather than assume it.
        var input = rendered.WaitForElement($"[data-testid={testId}]", TimeSpan.FromSeconds(10));
        if (input.HasAttribute("blazor:oninput"))
        {
            input.Input(value);
        }
        else
        {
            input.Change(value);
        }
    }

    /// <summary>The helper or error line under the field with this test id; empty when there is none.</summary>
    public static string MessageUnder<T>(this IRenderedComponent<T> rendered, string testId)
        where T : IComponent
    {
        var control = rendered.WaitForElement($"[data-testid={testId}]", TimeSpan.FromSeconds(10)).Closest(".mud-input-control")
            ?? throw new InvalidOperationException($"{testId} is not inside a MudBlazor input control.");
        return control.QuerySelector(".mud-input-helper-text")?.TextContent.Trim() ?? string.Empty;
    }

    /// <summary>Whether the field with this test id is drawn in its error state.</summary>
    public static bool ShowsError<T>(this IRenderedComponent<T> rendered, string testId)
        where T : IComponent =>
        rendered.Find($"[data-testid={testId}]").Closest(".mud-input-control")?.ClassList.Contains("mud-input-error") == true;
}
