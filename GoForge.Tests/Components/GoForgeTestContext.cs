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

    Task IAsyncLifetime.InitializeAsync() => InitializeAsync();

    // MudBlazor registers services that only dispose asynchronously. Components go first, so they let go of
    // whatever the test's own resources (a database host) provide.
    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await DisposeResourcesAsync();
    }

    /// <summary>Async set-up before any test runs (e.g. a database host whose services the components use).</summary>
    protected virtual Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Releases what <see cref="InitializeAsync"/> made, after the components are disposed.</summary>
    protected virtual ValueTask DisposeResourcesAsync() => ValueTask.CompletedTask;
}
