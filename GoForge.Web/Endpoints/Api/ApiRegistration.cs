using System.Text.Json;
using System.Text.Json.Serialization;
using GoForge.Web.Auth;
using GoForge.Web.Hosting;
using Microsoft.AspNetCore.Authentication;
using Scalar.AspNetCore;

namespace GoForge.Web.Endpoints.Api;

/// <summary>The REST API's services and pipeline pieces; <c>WebRegistration</c> calls these.</summary>
internal static class ApiRegistration
{
    public const string PolicyName = "api-token";

    public static IServiceCollection AddGoForgeApi(this IServiceCollection services)
    {
        services.AddOptions<ApiOptions>()
            .BindConfiguration(ApiOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));

        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, configureOptions: null);

        // Only the token scheme: the cookie the panel sets is never read for /api/v1.
        services.AddAuthorizationBuilder()
            .AddPolicy(PolicyName, policy => policy.AddAuthenticationSchemes(ApiTokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        services.AddRateLimitWindows();
        services.AddSingleton<ApiRateLimitPolicy>();
        services.AddRateLimiter(limiter => limiter.AddPolicy<string, ApiRateLimitPolicy>(ApiRateLimitPolicy.Name));
        services.AddGoForgeOpenApi();
        return services;
    }

    /// <summary>The body cap and JSON error answers for every <c>/api</c> request.</summary>
    public static IApplicationBuilder UseGoForgeApiEdge(this IApplicationBuilder app) =>
        app.UseWhen(ApiEdge.IsApi, api => api.UseMiddleware<ApiEdge>());

    /// <summary>The /api/v1 endpoints, the OpenAPI document and its reference page (both anonymous).</summary>
    public static IEndpointRouteBuilder MapGoForgeApiEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGoForgeApi();
        endpoints.MapOpenApi(ApiOpenApi.DocumentPath).AllowAnonymous();
        endpoints.MapScalarApiReference(ApiOpenApi.ReferencePath, reference => reference
                .WithTitle("GoForge API")
                .WithOpenApiRoutePattern(ApiOpenApi.DocumentPath))
            .AllowAnonymous();
        return endpoints;
    }
}
