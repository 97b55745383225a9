using System.Security.Claims;
using GoForge.Core.Catalog;
using GoForge.Core.Common;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Services;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// The service catalog and an environment's services, through <see cref="CatalogService"/> and
/// <see cref="ServiceInstanceService"/>. Creating, starting, restarting and changing the version answer when the
/// service is running or has failed (the state and reason say which); the work runs to its recorded outcome even when
/// the client hangs up, bounded by Core's pull and health time-outs (docs/api.md#services).
/// </summary>
internal static class ServiceEndpoints
{
    public static RouteGroupBuilder MapServiceEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/catalog", CatalogAsync).RequireScope(ApiScope.Read).WithTags("Services").WithSummary("The service templates, optionally searched or of one category");
        api.MapGet("/environments/{environmentId:guid}/services", ListAsync).RequireScope(ApiScope.Read).WithTags("Services").WithSummary("An environment's services");
        api.MapGet("/services/{serviceId:guid}", GetAsync).RequireScope(ApiScope.Read).WithTags("Services").WithSummary("One service");
        api.MapGet("/services/{serviceId:guid}/connection", ConnectionAsync).RequireScope(ApiScope.Read).WithTags("Services").WithSummary("How apps reach a service (secret outputs masked without the secrets scope)");
        api.MapPost("/environments/{environmentId:guid}/services", CreateAsync).RequireScope(ApiScope.Write).WithTags("Services").WithSummary("Create a service from a catalog template; answers when it is running or failed");
        api.MapPost("/services/{serviceId:guid}/start", StartAsync).RequireScope(ApiScope.Deploy).WithTags("Services").WithSummary("Start a stopped or failed service; answers when it is running or failed");
        api.MapPost("/services/{serviceId:guid}/stop", StopAsync).RequireScope(ApiScope.Deploy).WithTags("Services").WithSummary("Stop a service (its container and data stay)");
        api.MapPost("/services/{serviceId:guid}/restart", RestartAsync).RequireScope(ApiScope.Deploy).WithTags("Services").WithSummary("Stop and start a service again");
        api.MapPut("/services/{serviceId:guid}/version", ChangeVersionAsync).RequireScope(ApiScope.Write).WithTags("Services").WithSummary("Recreate a service from another of its template's versions, on the same volumes");
        api.MapPost("/services/{serviceId:guid}/links", LinkAsync).RequireScope(ApiScope.Write).WithTags("Services").WithSummary("Write one of the service's outputs as a secret variable of an application in its environment");
        api.MapDelete("/services/{serviceId:guid}", DeleteAsync).RequireScope(ApiScope.Write).WithTags("Services").WithSummary("Delete a service; its data volumes stay unless keepVolumes=false");
        return api;
    }

    /// <summary>
    /// A left-out name is the one the panel offers (the template's id, made free in the environment); left-out inputs
    /// take the catalog's generated or default values in Core.
    /// </summary>
    private static async Task<Results<Created<ServiceResponse>, ProblemHttpResult>> CreateAsync(
        Guid environmentId, ServiceRequest body, ClaimsPrincipal user, ServiceInstanceService services, CatalogService catalog,
        IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        var actor = user.ToApiActor();
        var name = body.Name;
        if (name is null)
        {
            var template = await catalog.GetAsync(body.TemplateId, ct);
            if (!template.IsSuccess)
            {
                return ApiResults.Validation("TemplateId", template.Error.Message);
            }

            var suggested = await services.SuggestNameAsync(actor, environmentId, template.Value, ct);
            if (!suggested.IsSuccess)
            {
                return ApiResults.Problem(suggested.Error);
            }

            name = suggested.Value;
        }

        var input = new ServiceInstanceInput
        {
            TemplateId = body.TemplateId,
            Name = name,
            Version = body.Version,
            Domain = body.Domain,
            Inputs = body.Inputs ?? new Dictionary<string, string>(),
        };

        // Not the request's abort: a creation that has begun ends with its outcome recorded, whoever is still listening.
        var result = await services.CreateAsync(actor, environmentId, input, progress: null, lifetime.ApplicationStopping);
        return result.IsSuccess
            ? TypedResults.Created($"{ApiEndpoints.Prefix}/services/{result.Value.Id}", ServiceResponse.From(result.Value))
            : ApiResults.Problem(result.Error);
    }

    private static Task<Results<Ok<ServiceResponse>, ProblemHttpResult>> StartAsync(Guid serviceId, ClaimsPrincipal user, ServiceInstanceService services, IHostApplicationLifetime lifetime) =>
        AnswerAsync(services.StartAsync(user.ToApiActor(), serviceId, lifetime.ApplicationStopping));

    private static Task<Results<Ok<ServiceResponse>, ProblemHttpResult>> StopAsync(Guid serviceId, ClaimsPrincipal user, ServiceInstanceService services, IHostApplicationLifetime lifetime) =>
        AnswerAsync(services.StopAsync(user.ToApiActor(), serviceId, lifetime.ApplicationStopping));

    private static Task<Results<Ok<ServiceResponse>, ProblemHttpResult>> RestartAsync(Guid serviceId, ClaimsPrincipal user, ServiceInstanceService services, IHostApplicationLifetime lifetime) =>
        AnswerAsync(services.RestartAsync(user.ToApiActor(), serviceId, lifetime.ApplicationStopping));

    private static Task<Results<Ok<ServiceResponse>, ProblemHttpResult>> ChangeVersionAsync(
        Guid serviceId, ServiceVersionRequest body, ClaimsPrincipal user, ServiceInstanceService services, IHostApplicationLifetime lifetime) =>
        AnswerAsync(services.ChangeVersionAsync(user.ToApiActor(), serviceId, body.Version, progress: null, lifetime.ApplicationStopping));

    private static async Task<Results<NoContent, ProblemHttpResult>> LinkAsync(
        Guid serviceId, ServiceLinkRequest body, ClaimsPrincipal user, ServiceInstanceService services, CancellationToken ct)
    {
        if (body.ApplicationId is not { } applicationId)
        {
            return ApiResults.Validation("ApplicationId", "Choose the application that will get the variable.");
        }

        var result = await services.LinkAsync(user.ToApiActor(), serviceId, body.OutputName, applicationId, body.Key, ct);
        return result.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(result.Error!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid serviceId, ClaimsPrincipal user, ServiceInstanceService services, IHostApplicationLifetime lifetime, bool? keepVolumes)
    {
        var result = await services.DeleteAsync(user.ToApiActor(), serviceId, keepVolumes ?? true, lifetime.ApplicationStopping);
        return result.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(result.Error!);
    }

    private static async Task<Results<Ok<ServiceResponse>, ProblemHttpResult>> AnswerAsync(Task<Result<ServiceInstance>> action)
    {
        var result = await action;
        return result.IsSuccess ? TypedResults.Ok(ServiceResponse.From(result.Value)) : ApiResults.Problem(result.Error);
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

    private static Task<Results<Ok<Page<ServiceResponse>>, ProblemHttpResult>> ListAsync(
        Guid environmentId, ClaimsPrincipal user, ServiceInstanceService services, int? limit, string? cursor, CancellationToken ct) =>
        PageRequest.AnswerAsync(limit, cursor, _ => services.ListAsync(user.ToApiActor(), environmentId, ct), ServiceResponse.From);
}
