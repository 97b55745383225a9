using GoForge.Core.Identity;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace GoForge.Web.Endpoints;

internal static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // A form post with an antiforgery token, so another site cannot sign a user out.
        endpoints.MapPost("/account/logout", SignOutAsync)
            .WithMetadata(new RequireAntiforgeryTokenAttribute());
        return endpoints;
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, SessionService sessions)
    {
        // The middleware only records the check; an endpoint that binds no form must act on it itself.
        if (context.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true })
        {
            return TypedResults.BadRequest("The sign-out form expired. Reload the page and try again.");
        }

        var actor = context.User.ToActor();
        var sessionId = context.User.GetSessionId();
        if (actor is not null && sessionId is not null)
        {
            await sessions.SignOutAsync(sessionId.Value, actor.UserId, context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted);
        }

        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.LocalRedirect("/login?signedOut=1");
    }
}
