using System.Security.Claims;
using System.Text.Encodings.Web;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace GoForge.Web.Auth;

/// <summary>
/// The <c>ApiToken</c> scheme: <c>Authorization: Bearer gf_...</c>, checked by <see cref="ApiTokenService"/>. It is the
/// only scheme <c>/api/v1</c> accepts, so a browser's cookie never authenticates an API call (and no CSRF is possible).
/// </summary>
internal sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokenService tokens,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    private const string BearerPrefix = "Bearer ";

    private string? _failure;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            _failure = "Send the token as 'Authorization: Bearer gf_...'.";
            return AuthenticateResult.Fail(_failure);
        }

        var caller = await tokens.AuthenticateAsync(header[BearerPrefix.Length..].Trim(), Context.RequestAborted);
        if (!caller.IsSuccess)
        {
            _failure = caller.Error.Message;
            return AuthenticateResult.Fail(_failure);
        }

        var principal = ApiClaims.CreatePrincipal(caller.Value);
        principal.SetClientAddress(Context);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = _failure is null
            ? "Bearer realm=\"GoForge\""
            : $"Bearer realm=\"GoForge\", error=\"invalid_token\", error_description=\"{_failure}\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = _failure ?? "This endpoint needs an API token: 'Authorization: Bearer gf_...'. Create one on your profile page.",
            },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = StatusCodes.Status403Forbidden, Title = "Forbidden", Detail = "This token may not do this." },
        });
    }
}

/// <summary>What an API token's principal carries: the user, the token, its scopes and its project restriction.</summary>
public static class ApiClaims
{
    public const string TokenId = "goforge:token";
    public const string Scope = "goforge:scope";
    public const string Project = "goforge:project";

    public static ClaimsPrincipal CreatePrincipal(ApiCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var actor = caller.ToActor();
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, actor.UserId.ToString()),
            new(ClaimTypes.Name, actor.Login),
            new(ClaimTypes.Role, GoForgeClaims.RoleName(actor.Role)),
            new(TokenId, caller.Token.Id.ToString()),
        };
        claims.AddRange(caller.Token.Scopes.Names().Select(s => new Claim(Scope, s)));
        if (actor.ProjectRestriction is { } project)
        {
            claims.Add(new Claim(Project, project.ToString()));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, ApiTokenAuthenticationHandler.SchemeName, ClaimTypes.Name, ClaimTypes.Role));
    }

    public static Guid? GetTokenId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(TokenId), out var id) ? id : null;

    public static ApiScope GetScopes(this ClaimsPrincipal principal) =>
        ApiScopes.TryParse(principal.FindAll(Scope).Select(c => c.Value), out var scopes) ? scopes : ApiScope.None;

    public static bool HasScope(this ClaimsPrincipal principal, ApiScope scope) => principal.GetScopes().HasFlag(scope);

    /// <summary>The acting user of an API call, with the token's project restriction; throws outside an authenticated API call.</summary>
    public static Actor ToApiActor(this ClaimsPrincipal principal)
    {
        if (principal.GetTokenId() is null || principal.ToActor() is not { } actor)
        {
            throw new InvalidOperationException("Not an API token principal.");
        }

        return actor with { ProjectRestriction = Guid.TryParse(principal.FindFirstValue(Project), out var project) ? project : null, TokenId = principal.GetTokenId() };
    }
}
