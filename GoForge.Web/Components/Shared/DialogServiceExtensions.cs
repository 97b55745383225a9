using MudBlazor;

namespace GoForge.Web.Components.Shared;

public static class DialogServiceExtensions
{
    /// <summary>Shows <see cref="ConfirmDeleteDialog"/>; true only when the user typed the name and confirmed.</summary>
    public static async Task<bool> ConfirmDeleteAsync(this IDialogService dialogs, string what, string name, string consequence)
    {
        var parameters = new DialogParameters<ConfirmDeleteDialog>
        {
            { d => d.What, what },
            { d => d.Name, name },
            { d => d.Consequence, consequence },
        };
        var dialog = await dialogs.ShowAsync<ConfirmDeleteDialog>($"Delete {what} {name}", parameters);
        return await dialog.Result is { Canceled: false, Data: true };
    }
}
