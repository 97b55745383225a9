using GoForge.Core.Servers;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Dashboard;

public sealed partial class Dashboard
{
    [Inject]
    public required IEngineStatusProbe Engine { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    private string? _name;
    private bool _isAdmin;
    private EngineStatus? _engine;

    private string EngineDetail => _engine switch
    {
        null => "Checking the engine…",
        { Reachable: true } => $"Docker {_engine.Version} answers at {_engine.Endpoint}.",
        _ => $"Not reachable at {_engine.Endpoint}: {_engine.Error}",
    };

    protected override async Task OnInitializedAsync()
    {
        var principal = await CurrentUser.GetPrincipalAsync();
        _name = principal.FindFirst(GoForgeClaims.DisplayName)?.Value ?? principal.Identity?.Name;
        _isAdmin = principal.IsInRole(GoForgeClaims.AdminRole);
        _engine = await Engine.GetStatusAsync();
    }
}
