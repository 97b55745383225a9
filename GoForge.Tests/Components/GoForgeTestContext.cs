using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace GoForge.Tests.Components;

/// <summary>The one bunit setup: loose JS interop, MudBlazor services without transitions, and a default wait.</summary>
public abstract class GoForgeTestContext : BunitContext, IAsyncLifetime
{
    public static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(10);

    protected GoForgeTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
            options.PopoverOptions.CheckForPopoverProvider = false;
        });
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // MudBlazor registers services that only dispose asynchronously.
    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();
}
