using GoForge.Core.Identity.GitHub;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace GoForge.Web.Endpoints;

/// <summary>
/// Where GitHub sign-in starts: form posts (antiforgery token, and the per-address sign-in limit) that hand over to the
/// OAuth handler's challenge. The handler's callback (<see cref="GitHubSignIn.CallbackPath"/>) finishes it.
/// </summary>
internal static class GitHubSignInEndpoints
{
    public static IEndpointRouteBuilder MapGitHubSignInEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/account/github/sign-in", StartSignInAsync)
            .AllowAnonymous()
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .RequireRateLimiting(SignInRateLimiting.PolicyName);
        endpoints.MapPost("/account/github/link", StartLinkAsync)
            .WithMetadata(new RequireAntiforgeryTokenAttribute());
        return endpoints;
    }

    /// <summary>From <c>/login</c> (fields <c>ReturnUrl</c>) or <c>/invite/{token}</c> (field <c>Invitation</c>).</summary>
    private static async Task<IResult> StartSignInAsync(HttpContext context, GitHubSettingsProvider settings, SignInNotice notices)
    {
        // The middleware only records the check; an endpoint that binds no form must act on it itself.
        if (context.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true })
        {
            return TypedResults.BadRequest("The sign-in form expired. Reload the page and try again.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (!(await settings.GetAsync(context.RequestAborted)).IsActive)
        {
            return TypedResults.Redirect(notices.Url("/login", isError: true, GitHubSignInService.NotEnabledMessage));
        }

        var properties = new AuthenticationProperties { RedirectUri = LocalUrl.OrHome(form["ReturnUrl"].ToString()) };
        properties.Items[GitHubSignIn.ModeItem] = GitHubSignIn.SignInMode;
        if (form["Invitation"].ToString() is { Length: > 0 and <= InvitationService.TokenMaxLength } invitation)
        {
            properties.Items[GitHubSignIn.InvitationItem] = invitation;
        }

        return TypedResults.Challenge(properties, [GitHubSignIn.Scheme]);
    }

    /// <summary>From the profile page: the signed-in user links the GitHub account they sign in to at GitHub.</summary>
    private static async Task<IResult> StartLinkAsync(HttpContext context, GitHubSettingsProvider settings, SignInNotice notices)
    {
        if (context.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true })
        {
            return TypedResults.BadRequest("The form expired. Reload the page and try again.");
        }

        var actor = context.User.ToActor();
        if (actor is null)
        {
            return TypedResults.LocalRedirect("/login?returnUrl=%2Faccount");
        }

        if (!(await settings.GetAsync(context.RequestAborted)).IsActive)
        {
            return TypedResults.Redirect(notices.Url("/account", isError: true, GitHubSignInService.NotEnabledMessage));
        }

        var properties = new AuthenticationProperties { RedirectUri = "/account" };
        properties.Items[GitHubSignIn.ModeItem] = GitHubSignIn.LinkMode;
        properties.Items[GitHubSignIn.UserItem] = actor.UserId.ToString();
        return TypedResults.Challenge(properties, [GitHubSignIn.Scheme]);
    }
}
