using System.Security.Claims;
using GoForge.Core.Identity;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace GoForge.Web.Auth;

/// <summary>
/// A live circuit outlives the request that opened it; this re-checks its session every minute so a
/// sign-out elsewhere, a password change or a disabled account ends open panels too.
/// </summary>
internal sealed class SessionRevalidatingAuthenticationStateProvider(
    ILoggerFactory loggerFactory,
    SessionService sessions) : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var principal = authenticationState.User;
        var sessionId = principal.GetSessionId();
        if (sessionId is null)
        {
            return false;
        }

        var user = await sessions.ValidateAsync(sessionId.Value, cancellationToken);
        return user is not null && principal.IsInRole(GoForgeClaims.RoleName(user.Role));
    }
}

/// <summary>The signed-in actor for components, read from the circuit's authentication state.</summary>
public sealed class CurrentUser(AuthenticationStateProvider authenticationState)
{
    public async Task<ClaimsPrincipal> GetPrincipalAsync() => (await authenticationState.GetAuthenticationStateAsync()).User;

    /// <summary>The actor; throws when called outside an authorised page (a programming error).</summary>
    public async Task<Actor> GetActorAsync() =>
        (await GetPrincipalAsync()).ToActor() ?? throw new InvalidOperationException("No signed-in user on this circuit.");
}
