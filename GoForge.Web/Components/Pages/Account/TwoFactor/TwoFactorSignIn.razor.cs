using GoForge.Core.Common;
using GoForge.Core.Identity.TwoFactor;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Account.TwoFactor;

/// <summary>The second step of a sign-in: a code or a recovery code; the session cookie is issued only when it passes.</summary>
public sealed partial class TwoFactorSignIn
{
    [Inject]
    public required SecondFactorSignIn SecondFactor { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromForm(FormName = "two-factor")]
    private CodeForm Input { get; set; } = default!;

    [SupplyParameterFromQuery]
    private string? ReturnUrl { get; set; }

    private bool _expired;
    private string? _error;

    protected override async Task OnInitializedAsync()
    {
        Input ??= new();
        if (HttpMethods.IsGet(HttpContext.Request.Method))
        {
            var purpose = await SecondFactor.GetPurposeAsync(PendingSignInCookie.Read(HttpContext), HttpContext.RequestAborted);
            _expired = !purpose.IsSuccess || purpose.Value != PendingPurpose.Verify;
        }
    }

    private async Task VerifyAsync()
    {
        var result = await SecondFactor.VerifyAsync(PendingSignInCookie.Read(HttpContext), Input.Code, HttpContext.RequestAborted);
        if (!result.IsSuccess)
        {
            _expired = result.Error!.Message == SecondFactorSignIn.ExpiredMessage;
            _error = result.Error.Message;
            HttpContext.Response.StatusCode = result.Error.Kind == ErrorKind.TooManyRequests ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized;
            Input.Code = null;
            return;
        }

        await PendingSignInCookie.CompleteAsync(HttpContext, result.Value!);
        Navigation.NavigateTo(LocalUrl.OrHome(ReturnUrl));
    }

    private sealed class CodeForm
    {
        public string? Code { get; set; }
    }
}
