using GoForge.Core.Common;
using GoForge.Core.Identity;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Account;

public sealed partial class Setup
{
    private const string InvalidLinkMessage = "This setup link is not valid or was already used. If no administrator exists yet, restart GoForge: it prints a new link to its log.";

    [Inject]
    public required SetupService SetupService { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromForm(FormName = "setup")]
    private SetupForm Input { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "token")]
    private string? QueryToken { get; set; }

    private bool _linkValid;
    private string? _error;
    private IReadOnlyDictionary<string, string[]>? _fieldErrors;

    private string? CurrentToken => Input.Token ?? QueryToken;

    protected override void OnInitialized()
    {
        Input ??= new();
        _linkValid = SetupService.IsTokenValid(CurrentToken);
        if (!_linkValid)
        {
            _error = InvalidLinkMessage;
            HttpContext.Response.StatusCode = StatusCodes.Status403Forbidden;
        }
    }

    private async Task CreateAdminAsync()
    {
        if (!_linkValid)
        {
            return;
        }

        var input = new FirstAdminInput(Input.Login, Input.DisplayName, Input.Password, Input.ConfirmPassword);
        var result = await SetupService.CompleteAsync(CurrentToken, input, HttpContext.Connection.RemoteIpAddress?.ToString(), HttpContext.RequestAborted);
        if (result.IsSuccess)
        {
            Navigation.NavigateTo("/login?setup=done");
            return;
        }

        Input.Password = Input.ConfirmPassword = null;
        _fieldErrors = result.Error.FieldErrors;
        _error = result.Error.Kind == ErrorKind.Validation ? "Check the fields below." : result.Error.Message;
        _linkValid = result.Error.Kind == ErrorKind.Validation;
        HttpContext.Response.StatusCode = result.Error.Kind == ErrorKind.Validation ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict;
    }

    private sealed class SetupForm
    {
        public string? Token { get; set; }

        public string? Login { get; set; }

        public string? DisplayName { get; set; }

        public string? Password { get; set; }

        public string? ConfirmPassword { get; set; }
    }
}
