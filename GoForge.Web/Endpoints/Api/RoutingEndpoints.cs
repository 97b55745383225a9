using System.Security.Claims;
using System.Text.Json.Nodes;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Routing;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// An application's routing settings through <see cref="RoutingService"/>, as the routing form edits them: basic-auth
/// users come back without passwords (a user sent without one keeps the stored hash), and the preview of the proxy
/// configuration GoForge would write.
/// </summary>
internal static class RoutingEndpoints
{
    public static RouteGroupBuilder MapRoutingEndpoints(this RouteGroupBuilder api)
    {
        var routing = api.MapGroup("/applications/{applicationId:guid}/routing").WithTags("Routing");
        routing.MapGet("", GetAsync).RequireScope(ApiScope.Read).WithSummary("An application's routing settings (basic-auth passwords never returned)");
        routing.MapPut("", UpdateAsync).RequireScope(ApiScope.Write).WithSummary("Replace an application's routing settings (applied on the next deployment)");
        routing.MapGet("/proxy-config", ProxyConfigurationAsync).RequireScope(ApiScope.Read).WithSummary("The proxy configuration GoForge would write for the next container (password hashes hidden)");
        routing.MapGet("/labels", LabelsAsync).RequireScope(ApiScope.Read).WithSummary("Deprecated: containers carry no proxy labels any more; always an empty object")
            .WithDescription("Kept for old clients. Use /proxy-config.");
        return api;
    }

    private static async Task<Results<Ok<RoutingBody>, ProblemHttpResult>> GetAsync(Guid applicationId, ClaimsPrincipal user, RoutingService routing, CancellationToken ct)
    {
        var result = await routing.GetAsync(user.ToApiActor(), applicationId, ct);
        return result.IsSuccess ? TypedResults.Ok(RoutingBody.From(result.Value)) : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Ok<RoutingBody>, ProblemHttpResult>> UpdateAsync(
        Guid applicationId, RoutingBody body, ClaimsPrincipal user, RoutingService routing, CancellationToken ct)
    {
        if (!RoutingBody.TryReadWwwRedirect(body.WwwRedirect, out var www))
        {
            return ApiResults.Validation("WwwRedirect", "Choose none, toWww or toApex.");
        }

        var result = await routing.UpdateAsync(user.ToApiActor(), applicationId, body.ToInput(www), ct);
        return result.IsSuccess ? TypedResults.Ok(RoutingBody.From(result.Value)) : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Ok<ProxyConfigurationBody>, ProblemHttpResult>> ProxyConfigurationAsync(
        Guid applicationId, ClaimsPrincipal user, RoutingService routing, CancellationToken ct)
    {
        var result = await routing.PreviewProxyConfigurationAsync(user.ToApiActor(), applicationId, ct);
        return result.IsSuccess
            ? TypedResults.Ok(new ProxyConfigurationBody(result.Value.Length == 0 ? null : JsonNode.Parse(result.Value)))
            : ApiResults.Problem(result.Error);
    }

    /// <summary>No container carries proxy labels any more (docs/decisions/routing.md): the answer is empty, with the same checks as before.</summary>
    private static async Task<Results<Ok<IReadOnlyDictionary<string, string>>, ProblemHttpResult>> LabelsAsync(
        Guid applicationId, ClaimsPrincipal user, RoutingService routing, CancellationToken ct)
    {
        var result = await routing.GetAsync(user.ToApiActor(), applicationId, ct);
        return result.IsSuccess ? TypedResults.Ok<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>()) : ApiResults.Problem(result.Error);
    }
}

/// <summary>The proxy configuration preview: the document as the proxy would hold it; null when the application has no domain.</summary>
public sealed record ProxyConfigurationBody(JsonNode? Configuration);

/// <summary>One basic-auth user on the wire: a password only when setting it.</summary>
public sealed record BasicAuthUserBody(string? UserName, string? Password);

/// <summary>
/// Routing settings on the wire, the routing form's fields: <c>ipAllowList</c> one CIDR per line,
/// <c>responseHeaders</c> one <c>Name: value</c> per line. A PUT replaces every field (missing ones take their defaults).
/// </summary>
public sealed record RoutingBody
{
    public bool RedirectToHttps { get; init; } = true;

    /// <summary><c>none</c>, <c>toWww</c> or <c>toApex</c>.</summary>
    public string? WwwRedirect { get; init; }

    public IReadOnlyList<BasicAuthUserBody>? BasicAuthUsers { get; init; }

    public string? IpAllowList { get; init; }

    public int? RateLimitAverage { get; init; }

    public int? RateLimitBurst { get; init; }

    public bool SecurityHeaders { get; init; }

    public string? ResponseHeaders { get; init; }

    public bool StripPathPrefix { get; init; }

    public bool Compression { get; init; }

    public string? CertResolver { get; init; }

    public static RoutingBody From(RoutingInput input) => new()
    {
        RedirectToHttps = input.RedirectToHttps,
        WwwRedirect = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(input.WwwRedirect.ToString()),
        BasicAuthUsers = input.BasicAuthUsers.Select(u => new BasicAuthUserBody(u.UserName, null)).ToList(),
        IpAllowList = input.IpAllowList,
        RateLimitAverage = input.RateLimitAverage,
        RateLimitBurst = input.RateLimitBurst,
        SecurityHeaders = input.SecurityHeaders,
        ResponseHeaders = input.ResponseHeaders,
        StripPathPrefix = input.StripPathPrefix,
        Compression = input.Compression,
        CertResolver = input.CertResolver,
    };

    public RoutingInput ToInput(WwwRedirect www) => new()
    {
        RedirectToHttps = RedirectToHttps,
        WwwRedirect = www,
        BasicAuthUsers = (BasicAuthUsers ?? []).Select(u => new BasicAuthUserInput { UserName = u?.UserName, Password = u?.Password }).ToList(),
        IpAllowList = IpAllowList,
        RateLimitAverage = RateLimitAverage,
        RateLimitBurst = RateLimitBurst,
        SecurityHeaders = SecurityHeaders,
        ResponseHeaders = ResponseHeaders,
        StripPathPrefix = StripPathPrefix,
        Compression = Compression,
        CertResolver = CertResolver,
    };

    public static bool TryReadWwwRedirect(string? text, out WwwRedirect www)
    {
        www = Core.Routing.WwwRedirect.None;
        return text is null || (text.Length > 0 && text.All(char.IsAsciiLetter) && Enum.TryParse(text, ignoreCase: true, out www) && Enum.IsDefined(www));
    }
}
