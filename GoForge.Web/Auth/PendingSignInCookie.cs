using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Identity.TwoFactor;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace GoForge.Web.Auth;

/// <summary>
/// Carries a pending sign-in's token (<see cref="SecondFactorSignIn"/>) from the password step to the second step. It is
/// no session: HttpOnly, SameSite=Lax (the return from GitHub is a cross-site redirect chain, which Strict would drop), only sent to <c>/login</c>, gone after five minutes, and the token works once.
/// </summary>
public static class PendingSignInCookie
{
    public const string Name = "goforge.pending";
    public const string VerifyPath = "/login/two-factor";
    public const string EnrolPath = "/login/two-factor/enrol";

    public static void Set(HttpContext context, PendingSignInTicket ticket) =>
        context.Response.Cookies.Append(Name, ticket.Token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            Path = "/login",
            MaxAge = SecondFactorSignIn.PendingLifetime,
            IsEssential = true,
        });

    public static string? Read(HttpContext context) => context.Request.Cookies[Name];

    public static void Clear(HttpContext context) =>
        context.Response.Cookies.Delete(Name, new CookieOptions { Path = "/login", Secure = context.Request.IsHttps, SameSite = SameSiteMode.Lax, HttpOnly = true });

    /// <summary>The second step passed: the pending cookie goes, and only now the session cookie is issued.</summary>
    public static async Task CompleteAsync(HttpContext context, SignedIn signedIn)
    {
        Clear(context);
        await context.SignInAsync(
            CookieAuthenticationDefaults.AuthenticationScheme,
            GoForgeClaims.CreatePrincipal(signedIn.User, signedIn.Session.Id),
            new AuthenticationProperties { IsPersistent = true });
    }

    /// <summary>One line for a refused code: the field's messages for a validation error, else the error's message.</summary>
    public static string MessageOf(Error error) =>
        error.Kind == ErrorKind.Validation ? string.Join(" ", error.FieldErrors.Values.SelectMany(v => v)) : error.Message;

    /// <summary>Where the browser goes next for <paramref name="ticket"/>, keeping the page it asked for.</summary>
    public static string NextStep(PendingSignInTicket ticket, string returnUrl) =>
        $"{(ticket.Purpose == PendingPurpose.Verify ? VerifyPath : EnrolPath)}?returnUrl={Uri.EscapeDataString(returnUrl)}";
}
