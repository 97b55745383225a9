using GoForge.Core.Common;
using GoForge.Core.Identity.TwoFactor;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Account.TwoFactor;

/// <summary>The signed-in user's two-factor sign-in through <see cref="TwoFactorService"/>.</summary>
public sealed partial class TwoFactorCard
{
    [Inject]
    public required TwoFactorService TwoFactor { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    private TwoFactorStatus? _status;
    private TwoFactorEnrolmentStart? _start;
    private IReadOnlyList<string>? _recoveryCodes;
    private string? _code;
    private string? _password;
    private string? _error;
    private bool _busy;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        var status = await TwoFactor.GetStatusAsync(await CurrentUser.GetActorAsync());
        _status = status.IsSuccess ? status.Value : new TwoFactorStatus(false, 0, false);
    }

    private async Task BeginAsync()
    {
        var start = await RunAsync(async actor => await TwoFactor.BeginAsync(actor));
        _start = start;
        _code = null;
    }

    private async Task ConfirmAsync()
    {
        var codes = await RunAsync(async actor => await TwoFactor.ConfirmAsync(actor, _code));
        if (codes is not null)
        {
            _start = null;
            _recoveryCodes = codes;
            Snackbar.Add("Two-factor sign-in is on.", Severity.Success);
        }
    }

    private async Task RegenerateAsync()
    {
        var codes = await RunAsync(async actor => await TwoFactor.RegenerateRecoveryCodesAsync(actor, _code));
        if (codes is not null)
        {
            _recoveryCodes = codes;
        }
    }

    private async Task DisableAsync()
    {
        var done = await RunAsync(async actor =>
        {
            var result = await TwoFactor.DisableAsync(actor, _password, _code);
            return result.IsSuccess ? Result<bool>.Ok(true) : Result<bool>.Fail(result.Error!);
        });
        if (done)
        {
            Snackbar.Add("Two-factor sign-in is off.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task DoneWithCodesAsync()
    {
        _recoveryCodes = null;
        await LoadAsync();
    }

    /// <summary>Runs a call, showing its error beside the code field; the value on success, else default.</summary>
    private async Task<T?> RunAsync<T>(Func<Core.Identity.Actor, Task<Result<T>>> call)
    {
        _busy = true;
        _error = null;
        try
        {
            var result = await call(await CurrentUser.GetActorAsync());
            if (result.IsSuccess)
            {
                _code = null;
                _password = null;
                return result.Value;
            }

            _error = PendingSignInCookie.MessageOf(result.Error!);
            return default;
        }
        finally
        {
            _busy = false;
        }
    }
}
