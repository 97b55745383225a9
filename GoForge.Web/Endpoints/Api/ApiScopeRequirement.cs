using GoForge.Core.Identity.ApiTokens;
using GoForge.Web.Auth;

namespace GoForge.Web.Endpoints.Api;

/// <summary>The scope an API endpoint needs, as endpoint metadata (the OpenAPI document shows it too).</summary>
public sealed record RequiredScope(ApiScope Scope);

internal static class ApiScopeRequirement
{
    /// <summary>Declares the scope this endpoint needs; every /api/v1 endpoint declares exactly one.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, ApiScope scope) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredScope(scope));

    /// <summary>
    /// The group's filter: a token without the endpoint's scope gets 403 naming it. An endpoint that declares no scope
    /// is refused too, so forgetting the declaration fails closed.
    /// </summary>
    public static async ValueTask<object?> CheckAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var required = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>();
        if (required is null)
        {
            return ApiResults.Problem(StatusCodes.Status403Forbidden, "Forbidden", "This endpoint declares no scope, so no token may call it.");
        }

        if (!context.HttpContext.User.HasScope(required.Scope))
        {
            return ApiResults.MissingScope(required.Scope);
        }

        return await next(context);
    }
}
