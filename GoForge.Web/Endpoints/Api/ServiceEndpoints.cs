using System.Security.Claims;
using GoForge.Core.Catalog;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Services;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>The service catalog and an environment's services, through <see cref="CatalogService"/> and <see cref="ServiceInstanceService"/>.</summary>
internal static class ServiceEndpoints
{
    public static RouteGroupBuilder MapServiceEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/catalog", CatalogAsync).RequireScope(ApiScope.Read).WithTags("Services").WithSummary("The service templates, optionally searched or of one category");
        api.MapGet("/environments/{environmentId:guid}/services", ListAsync).RequireScope(ApiScope.Read).WithTags("Services").WithSummary("An environment's services");
        api.MapGet("/services/{serviceId:guid}", GetAsync).RequireScope(ApiScope.Read).WithTags("Services").WithSummary("One service");
        api.MapGet("/services/{serviceId:guid}/connection", ConnectionAsync).RequireScope(ApiScope.Read).WithTags("Services").WithSummary("How apps reach a service (secret outputs masked without the secrets scope)");
        return api;
    }

    private static async Task<Results<Ok<ServiceResponse>, ProblemHttpResult>> GetAsync(Guid serviceId, ClaimsPrincipal user, ServiceInstanceService services, CancellationToken ct)
    {
        var result = await services.GetAsync(user.ToApiActor(), serviceId, ct);
        return result.IsSuccess ? TypedResults.Ok(ServiceResponse.From(result.Value)) : ApiResults.Problem(result.Error);
    }

    /// <summary>Secret outputs are null unless the token has <c>secrets</c>; then Core reveals them (its role rule and audit apply).</summary>
    private static async Task<Results<Ok<ServiceConnectionResponse>, ProblemHttpResult>> ConnectionAsync(Guid serviceId, ClaimsPrincipal user, ServiceInstanceService services, CancellationToken ct)
    {
        var actor = user.ToApiActor();
        var connection = await services.ConnectionAsync(actor, serviceId, ct);
        if (!connection.IsSuccess)
        {
            return ApiResults.Problem(connection.Error);
        }

        var outputs = connection.Value.Outputs;
        if (user.HasScope(ApiScope.Secrets) && outputs.Any(o => o.Secret) && await services.RevealAsync(actor, serviceId, ct) is { IsSuccess: true } revealed)
        {
            outputs = revealed.Value.Outputs;
        }

        return TypedResults.Ok(new ServiceConnectionResponse(connection.Value.Host, connection.Value.Port,
            outputs.Select(o => new ServiceOutputResponse(o.Name, o.Label, o.Value, o.Secret)).ToList()));
    }

    private static async Task<Results<Ok<Page<CatalogTemplateResponse>>, ProblemHttpResult>> CatalogAsync(
        CatalogService catalog, string? search, string? category, int? limit, string? cursor, CancellationToken ct)
    {
        if (!PageRequest.TryRead(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        ServiceCategory? only = null;
        if (!string.IsNullOrEmpty(category))
        {
            if (!Enum.TryParse<ServiceCategory>(category, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return ApiResults.Validation("category", $"Choose one of {string.Join(", ", Enum.GetNames<ServiceCategory>().Select(n => n.ToLowerInvariant()))}.");
            }

            only = parsed;
        }

        var templates = await catalog.ListAsync(search, only, ct);
        return TypedResults.Ok(page.Apply(templates, CatalogTemplateResponse.From));
    }

    private static async Task<Results<Ok<Page<ServiceResponse>>, ProblemHttpResult>> ListAsync(
        Guid environmentId, ClaimsPrincipal user, ServiceInstanceService services, int? limit, string? cursor, CancellationToken ct)
    {
        if (!PageRequest.TryRead(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        var result = await services.ListAsync(user.ToApiActor(), environmentId, ct);
        return result.IsSuccess ? TypedResults.Ok(page.Apply(result.Value, ServiceResponse.From)) : ApiResults.Problem(result.Error);
    }
}
