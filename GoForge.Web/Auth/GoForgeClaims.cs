using System.Security.Claims;
using GoForge.Core.Identity;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace GoForge.Web.Auth;

/// <summary>What the sign-in cookie carries: who, which role, and which server-side session.</summary>
public static class GoForgeClaims
{
    public const string SessionId = "goforge:sid";
    public const string DisplayName = "goforge:name";

    /// <summary>The address of the request the principal came with, replaced on every request: recorded on the actor's audit events.</summary>
    public const string ClientAddress = "goforge:addr";
    public const string AdminRole = "admin";
    public const string MemberRole = "member";

    public static ClaimsPrincipal CreatePrincipal(User user, Guid sessionId) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()),
                new Claim(ClaimTypes.Name, user.Login),
                new Claim(ClaimTypes.Role, RoleName(user.Role)),
                new Claim(DisplayName, user.DisplayName),
                new Claim(SessionId, sessionId.ToString()),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme,
            ClaimTypes.Name,
            ClaimTypes.Role));

    /// <summary>Sets the principal's <see cref="ClientAddress"/> claim to this request's client (after trusted forwarded headers).</summary>
    public static void SetClientAddress(this ClaimsPrincipal principal, HttpContext context)
    {
        if (principal.Identity is not ClaimsIdentity identity)
        {
            return;
        }

        foreach (var old in identity.FindAll(ClientAddress).ToList())
        {
            identity.RemoveClaim(old);
        }

        if (context.Connection.RemoteIpAddress is { } address)
        {
            identity.AddClaim(new Claim(ClientAddress, address.ToString()));
        }
    }

    public static string RoleName(UserRole role) => role == UserRole.Admin ? AdminRole : MemberRole;

    public static Guid? GetSessionId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(SessionId), out var id) ? id : null;

    /// <summary>The acting user for Core services; null when the principal is not a signed-in GoForge user.</summary>
    public static Actor? ToActor(this ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true
            || !Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            return null;
        }

        var role = principal.IsInRole(AdminRole) ? UserRole.Admin : UserRole.Member;
        return new Actor(userId, principal.Identity.Name ?? string.Empty, role) { SessionId = principal.GetSessionId(), ClientAddress = principal.FindFirstValue(ClientAddress) };
    }
}
