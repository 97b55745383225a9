using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace GoForge.Web.Components.Pages.Monitoring;

/// <summary>Keeps a log element scrolled to its newest line through a six-line JS module, imported on first use.</summary>
internal sealed class LogScroller(IJSRuntime js) : IAsyncDisposable
{
    private IJSObjectReference? _module;

    public async Task ScrollToEndAsync(ElementReference element)
    {
        try
        {
            _module ??= await js.InvokeAsync<IJSObjectReference>("import", "./Components/Pages/Monitoring/ContainerLogView.razor.js");
            if (_module is not null)
            {
                await _module.InvokeVoidAsync("scrollToEnd", element);
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone; nothing to scroll.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_module is null)
        {
            return;
        }

        try
        {
            await _module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone with the module.
        }
    }
}
