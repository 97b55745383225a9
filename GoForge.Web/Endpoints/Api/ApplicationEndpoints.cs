using System.Security.Claims;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Projects;
using GoForge.Core.Volumes;
using GoForge.Core.Reconciliation;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>Applications: list by environment or project, get, create, update, delete, through <see cref="ApplicationService"/>; their events through <see cref="ApplicationEvents"/>.</summary>
internal static class ApplicationEndpoints
{
    public static RouteGroupBuilder MapApplicationEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/environments/{environmentId:guid}/applications", ListByEnvironmentAsync).RequireScope(ApiScope.Read).WithTags("Applications").WithSummary("An environment's applications");
        api.MapPost("/environments/{environmentId:guid}/applications", CreateAsync).RequireScope(ApiScope.Write).WithTags("Applications").WithSummary("Create an application");
        api.MapGet("/projects/{projectId:guid}/applications", ListByProjectAsync).RequireScope(ApiScope.Read).WithTags("Applications").WithSummary("A project's applications, environment by environment");
        api.MapGet("/applications/{applicationId:guid}", GetAsync).RequireScope(ApiScope.Read).WithTags("Applications").WithSummary("One application");
        api.MapPut("/applications/{applicationId:guid}", UpdateAsync).RequireScope(ApiScope.Write).WithTags("Applications").WithSummary("Replace an application's settings");
        api.MapGet("/applications/{applicationId:guid}/events", EventsAsync).RequireScope(ApiScope.Read).WithTags("Applications").WithSummary("What the reconciler did to an application's containers and route, newest first");
        api.MapDelete("/applications/{applicationId:guid}", DeleteAsync).RequireScope(ApiScope.Write).WithTags("Applications").WithSummary("Delete an application, its containers and images (its volumes too with ?deleteVolumes=true)");
        return api;
    }

    private static Task<Results<Ok<Page<ApplicationResponse>>, ProblemHttpResult>> ListByEnvironmentAsync(
        Guid environmentId, ClaimsPrincipal user, ApplicationService applications, int? limit, string? cursor, CancellationToken ct) =>
        PageRequest.AnswerAsync(limit, cursor, _ => applications.ListAsync(user.ToApiActor(), environmentId, ct), ApplicationResponse.From);

    private static async Task<Results<Ok<Page<ApplicationResponse>>, ProblemHttpResult>> ListByProjectAsync(
        Guid projectId, ClaimsPrincipal user, EnvironmentService environments, ApplicationService applications, int? limit, string? cursor, CancellationToken ct)
    {
        if (!PageRequest.TryRead(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        var actor = user.ToApiActor();
        var envs = await environments.ListAsync(actor, projectId, ct);
        if (!envs.IsSuccess)
        {
            return ApiResults.Problem(envs.Error);
        }

        var all = new List<Application>();
        foreach (var environment in envs.Value)
        {
            var apps = await applications.ListAsync(actor, environment.Id, ct);
            if (!apps.IsSuccess)
            {
                return ApiResults.Problem(apps.Error);
            }

            all.AddRange(apps.Value);
        }

        return TypedResults.Ok(page.Apply(all, ApplicationResponse.From));
    }

    private static async Task<Results<Ok<IReadOnlyList<AuditEventResponse>>, ProblemHttpResult>> EventsAsync(
        Guid applicationId, ClaimsPrincipal user, ApplicationEvents events, int? limit, CancellationToken ct)
    {
        if (limit is < 1 or > ApplicationEvents.MaxLimit)
        {
            return ApiResults.Validation("limit", $"Ask for 1 to {ApplicationEvents.MaxLimit} events.");
        }

        var result = await events.ListAsync(user.ToApiActor(), applicationId, limit ?? ApplicationEvents.DefaultLimit, ct);
        return result.IsSuccess ? TypedResults.Ok<IReadOnlyList<AuditEventResponse>>(result.Value.Select(AuditEventResponse.From).ToList()) : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Ok<ApplicationResponse>, ProblemHttpResult>> GetAsync(Guid applicationId, ClaimsPrincipal user, ApplicationService applications, CancellationToken ct)
    {
        var result = await applications.GetAsync(user.ToApiActor(), applicationId, ct);
        return result.IsSuccess ? TypedResults.Ok(ApplicationResponse.From(result.Value)) : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Created<ApplicationResponse>, ProblemHttpResult>> CreateAsync(
        Guid environmentId, ApplicationRequest body, ClaimsPrincipal user, ApplicationService applications, CancellationToken ct)
    {
        var result = await applications.CreateAsync(user.ToApiActor(), environmentId, body.ToInput(), ct);
        return result.IsSuccess
            ? TypedResults.Created($"{ApiEndpoints.Prefix}/applications/{result.Value.Id}", ApplicationResponse.From(result.Value))
            : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Ok<ApplicationResponse>, ProblemHttpResult>> UpdateAsync(
        Guid applicationId, ApplicationRequest body, ClaimsPrincipal user, ApplicationService applications, CancellationToken ct)
    {
        var result = await applications.UpdateAsync(user.ToApiActor(), applicationId, body.ToInput(), ct);
        return result.IsSuccess ? TypedResults.Ok(ApplicationResponse.From(result.Value)) : ApiResults.Problem(result.Error);
    }

    /// <summary><c>?deleteVolumes=true</c> removes the application's named volumes too; by default they are kept (docs/deployments/volumes.md).</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid applicationId, bool? deleteVolumes, ClaimsPrincipal user, AppVolumeService volumes, CancellationToken ct)
    {
        var result = await volumes.DeleteApplicationAsync(user.ToApiActor(), applicationId, deleteVolumes == true, ct);
        return result.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(result.Error!);
    }
}
