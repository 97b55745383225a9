using GoForge.Core.Catalog;
using GoForge.Core.Services;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Services;

/// <summary>
/// The connection details from <see cref="ServiceInstanceService.ConnectionAsync"/> (secret outputs come masked), and
/// for users allowed to, the credentials and full outputs from <see cref="ServiceInstanceService.RevealAsync"/>
/// (audited), kept only until Hide or the page closes.
/// </summary>
public sealed partial class ServiceConnectionCard
{
    private ServiceConnection? _connection;
    private ServiceSecrets? _secrets;
    private string? _error;

    [Inject]
    public required ServiceInstanceService Services { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    /// <summary>The service. Required; give the card an <c>@key</c> of its id.</summary>
    [Parameter, EditorRequired]
    public ServiceInstance Service { get; set; } = default!;

    /// <summary>Its template, for the credential labels; null when it left the catalog.</summary>
    [Parameter]
    public ServiceTemplate? Template { get; set; }

    /// <summary>Whether the viewer may reveal credentials. Default false.</summary>
    [Parameter]
    public bool CanReveal { get; set; }

    private IEnumerable<ServiceOutputValue> Outputs => _secrets?.Outputs ?? _connection?.Outputs ?? [];

    protected override async Task OnInitializedAsync()
    {
        var connection = await Services.ConnectionAsync(await CurrentUser.GetActorAsync(), Service.Id);
        (_connection, _error) = (connection.Value, connection.Error?.Message);
    }

    private async Task RevealAsync()
    {
        var revealed = await Services.RevealAsync(await CurrentUser.GetActorAsync(), Service.Id);
        (_secrets, _error) = (revealed.Value, revealed.Error?.Message);
    }

    private void Hide() => _secrets = null;
}
