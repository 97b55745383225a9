using Microsoft.JSInterop;

namespace GoForge.Web.Components.Shared;

/// <summary>The browser's clipboard, through the Clipboard API (no script file of our own).</summary>
public static class Clipboard
{
    /// <summary>Puts <paramref name="text"/> on the clipboard; false when the browser refused.</summary>
    public static async Task<bool> WriteAsync(this IJSRuntime js, string text)
    {
        try
        {
            await js.InvokeVoidAsync("navigator.clipboard.writeText", text);
            return true;
        }
        catch (JSException)
        {
            // Browsers offer the clipboard only to secure pages (https or localhost) and to a focused tab.
            return false;
        }
    }

    /// <summary>What a page says when <see cref="WriteAsync"/> answered false.</summary>
    public const string Refused = "The browser did not allow copying (it does only over https or on localhost); select the text and copy it by hand.";
}
