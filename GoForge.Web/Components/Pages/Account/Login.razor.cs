using GoForge.Core.Identity;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Account;

public sealed partial class Login
{
    [Inject]
    public required SignInService SignIn { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required SignInNotice Notices { get; init; }

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromForm(FormName = "sign-in")]
    private SignInForm Input { get; set; } = default!;

    [SupplyParameterFromQuery]
    private string? ReturnUrl { get; set; }

    [SupplyParameterFromQuery(Name = "signedOut")]
    private string? SignedOut { get; set; }

    [SupplyParameterFromQuery(Name = "setup")]
    private string? SetupDone { get; set; }

    /// <summary>Why a GitHub sign-in was refused (<see cref="SignInNotice"/>: encrypted, so nobody can put text here).</summary>
    [SupplyParameterFromQuery(Name = SignInNotice.QueryName)]
    private string? GitHubNotice { get; set; }

    private string? _error;
    private string? _notice;
    private IReadOnlyDictionary<string, string[]>? _fieldErrors;

    private string SafeReturnUrl => LocalUrl.OrHome(Input.ReturnUrl ?? ReturnUrl);

    protected override void OnInitialized()
    {
        Input ??= new();
        if (HttpMethods.IsGet(HttpContext.Request.Method))
        {
            _notice = SetupDone is not null ? "Your administrator account is ready. Sign in with it."
                : SignedOut is not null ? "You are signed out."
                : null;
            _error = Notices.Read(GitHubNotice)?.Message;
        }
    }

    private async Task SignInAsync()
    {
        var request = new SignInRequest(Input.Login, Input.Password, HttpContext.Connection.RemoteIpAddress?.ToString(),
            HttpContext.Request.Headers.UserAgent.ToString());
        var result = await SignIn.StartAsync(request, HttpContext.RequestAborted);
        if (!result.IsSuccess)
        {
            _error = result.Error.Kind == Core.Common.ErrorKind.Validation ? null : result.Error.Message;
            _fieldErrors = result.Error.FieldErrors;
            HttpContext.Response.StatusCode = result.Error.Kind switch
            {
                Core.Common.ErrorKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
                Core.Common.ErrorKind.Validation => StatusCodes.Status400BadRequest,
                _ => StatusCodes.Status401Unauthorized,
            };
            Input.Password = null;
            if (Input.Login?.Length > UserInputRules.LoginMaxLength)
            {
                Input.Login = null; // never echo an oversized value back into the page
            }

            return;
        }

        if (result.Value!.Pending is { } pending)
        {
            // No session yet: the second step (or a required enrolment) comes first.
            PendingSignInCookie.Set(HttpContext, pending);
            Navigation.NavigateTo(PendingSignInCookie.NextStep(pending, SafeReturnUrl));
            return;
        }

        var signedIn = result.Value.Session!;
        await HttpContext.SignInAsync(
            CookieAuthenticationDefaults.AuthenticationScheme,
            GoForgeClaims.CreatePrincipal(signedIn.User, signedIn.Session.Id),
            new AuthenticationProperties { IsPersistent = true });
        Navigation.NavigateTo(SafeReturnUrl);
    }

    private sealed class SignInForm
    {
        public string? Login { get; set; }

        public string? Password { get; set; }

        public string? ReturnUrl { get; set; }
    }
}
