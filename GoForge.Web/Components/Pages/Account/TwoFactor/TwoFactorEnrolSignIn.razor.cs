using GoForge.Core.Common;
using GoForge.Core.Identity.TwoFactor;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Account.TwoFactor;

/// <summary>
/// Enrolment forced by the policy, between the first factor and the session: nothing else is reachable (no session
/// exists) until a code for the new secret passes; then the recovery codes are shown once.
/// </summary>
public sealed partial class TwoFactorEnrolSignIn
{
    [Inject]
    public required SecondFactorSignIn SecondFactor { get; init; }

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromForm(FormName = "two-factor-enrol")]
    private CodeForm Input { get; set; } = default!;

    [SupplyParameterFromQuery]
    private string? ReturnUrl { get; set; }

    private TwoFactorEnrolmentStart? _start;
    private IReadOnlyList<string>? _recoveryCodes;
    private string? _error;

    protected override async Task OnInitializedAsync()
    {
        Input ??= new();
        await ShowSecretAsync();
    }

    private async Task ShowSecretAsync()
    {
        var start = await SecondFactor.BeginEnrolmentAsync(PendingSignInCookie.Read(HttpContext), HttpContext.RequestAborted);
        _start = start.IsSuccess ? start.Value : null;
        _error = start.IsSuccess ? _error : start.Error!.Message;
    }

    private async Task ConfirmAsync()
    {
        var result = await SecondFactor.CompleteEnrolmentAsync(PendingSignInCookie.Read(HttpContext), Input.Code, HttpContext.RequestAborted);
        if (!result.IsSuccess)
        {
            _error = PendingSignInCookie.MessageOf(result.Error!);
            HttpContext.Response.StatusCode = result.Error.Kind == ErrorKind.TooManyRequests ? StatusCodes.Status429TooManyRequests : StatusCodes.Status400BadRequest;
            Input.Code = null;
            return;
        }

        var (signedIn, codes) = result.Value;
        await PendingSignInCookie.CompleteAsync(HttpContext, signedIn);
        _recoveryCodes = codes;
    }

    private sealed class CodeForm
    {
        public string? Code { get; set; }
    }
}
