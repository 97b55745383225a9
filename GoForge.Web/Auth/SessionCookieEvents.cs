using GoForge.Core.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace GoForge.Web.Auth;

/// <summary>
/// Checks on every request that the cookie's server-side session is still active and its user enabled.
/// A revoked session (sign-out, password change, disabled account) is refused even with a valid cookie.
/// </summary>
internal sealed class SessionCookieEvents(SessionService sessions) : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var sessionId = context.Principal?.GetSessionId();
        var user = sessionId is null ? null : await sessions.ValidateAsync(sessionId.Value, context.HttpContext.RequestAborted);
        if (user is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }

        // A role or name changed by an administrator applies at the next request, not the next sign-in.
        var current = context.Principal!;
        if (!current.IsInRole(GoForgeClaims.RoleName(user.Role))
            || current.FindFirst(GoForgeClaims.DisplayName)?.Value != user.DisplayName)
        {
            context.ReplacePrincipal(GoForgeClaims.CreatePrincipal(user, sessionId!.Value));
            context.ShouldRenew = true;
        }

        // Not kept in the cookie: each request (and a browser's circuit, from the connection that carries it) records its own.
        context.Principal!.SetClientAddress(context.HttpContext);
    }

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}
