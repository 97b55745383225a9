using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Account;

/// <summary>Makes an API token, then shows it once; closing the dialog forgets it (only its hash is stored).</summary>
public sealed partial class NewApiTokenDialog
{
    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [Inject]
    public required ApiTokenService Tokens { get; init; }

    [Inject]
    public required ProjectService Projects { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    private readonly ApiTokenInput _input = new();
    private readonly FormErrors _errors = new(nameof(ApiTokenInput.Name), nameof(ApiTokenInput.Scopes), nameof(ApiTokenInput.ExpiresAt), nameof(ApiTokenInput.ProjectId));
    private IReadOnlyList<ProjectSummary> _projects = [];
    private IReadOnlyList<ApiScope> OfferedScopes { get; set; } = [];
    private DateTime? _expiryDate;
    private string? _secret;
    private bool _busy;

    protected override async Task OnInitializedAsync()
    {
        var actor = await CurrentUser.GetActorAsync();
        _projects = await Projects.ListAsync(actor);

        // Core refuses the admin scope to members too; offering it only to administrators keeps the form honest.
        OfferedScopes = ApiScopes.All.Where(s => s != ApiScope.Admin || actor.IsAdmin).ToList();
    }

    private static string Describe(ApiScope scope) => scope switch
    {
        ApiScope.Read => "read — see projects, environments, applications, variables",
        ApiScope.Deploy => "deploy — start, cancel and roll back deployments",
        ApiScope.Write => "write — create, change and delete",
        ApiScope.Secrets => "secrets — see secret values (if your role may)",
        ApiScope.Admin => "admin — user administration and every project",
        _ => scope.ToString(),
    };

    private void Toggle(ApiScope scope, bool on) => _input.Scopes = on ? _input.Scopes | scope : _input.Scopes & ~scope;

    private async Task SubmitAsync()
    {
        _busy = true;

        // The chosen day is the last one the token works (UTC): it expires when the next day begins.
        _input.ExpiresAt = _expiryDate is { } day ? new DateTimeOffset(day.Date.AddDays(1), TimeSpan.Zero) : null;
        var result = await Tokens.CreateAsync(await CurrentUser.GetActorAsync(), _input);
        _busy = false;
        if (result.IsSuccess)
        {
            _errors.Clear();
            _secret = result.Value.Secret;
            return;
        }

        _errors.Set(result.Error);
    }

    private async Task CopyAsync()
    {
        var copied = await JS.WriteAsync(_secret!);
        Snackbar.Add(copied ? "Token copied." : Clipboard.Refused, copied ? Severity.Success : Severity.Warning);
    }
}
