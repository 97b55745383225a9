using System.Security.Claims;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>Environments: list by project, get, create, rename, delete, through <see cref="EnvironmentService"/>.</summary>
internal static class EnvironmentEndpoints
{
    public static RouteGroupBuilder MapEnvironmentEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/projects/{projectId:guid}/environments", ListAsync).RequireScope(ApiScope.Read).WithTags("Environments").WithSummary("A project's environments");
        api.MapPost("/projects/{projectId:guid}/environments", CreateAsync).RequireScope(ApiScope.Write).WithTags("Environments").WithSummary("Add an environment");
        api.MapGet("/environments/{environmentId:guid}", GetAsync).RequireScope(ApiScope.Read).WithTags("Environments").WithSummary("One environment");
        api.MapPut("/environments/{environmentId:guid}", RenameAsync).RequireScope(ApiScope.Write).WithTags("Environments").WithSummary("Rename an environment (its slug stays)");
        api.MapDelete("/environments/{environmentId:guid}", DeleteAsync).RequireScope(ApiScope.Write).WithTags("Environments").WithSummary("Delete an environment with its applications");
        return api;
    }

    private static Task<Results<Ok<Page<EnvironmentResponse>>, ProblemHttpResult>> ListAsync(
        Guid projectId, ClaimsPrincipal user, EnvironmentService environments, int? limit, string? cursor, CancellationToken ct) =>
        PageRequest.AnswerAsync(limit, cursor, _ => environments.ListAsync(user.ToApiActor(), projectId, ct), EnvironmentResponse.From);

    private static async Task<Results<Ok<EnvironmentResponse>, ProblemHttpResult>> GetAsync(Guid environmentId, ClaimsPrincipal user, EnvironmentService environments, CancellationToken ct)
    {
        var result = await environments.GetAsync(user.ToApiActor(), environmentId, ct);
        return result.IsSuccess ? TypedResults.Ok(EnvironmentResponse.From(result.Value)) : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Created<EnvironmentResponse>, ProblemHttpResult>> CreateAsync(
        Guid projectId, EnvironmentRequest body, ClaimsPrincipal user, EnvironmentService environments, CancellationToken ct)
    {
        var result = await environments.CreateAsync(user.ToApiActor(), projectId, body.Name, ct);
        return result.IsSuccess
            ? TypedResults.Created($"{ApiEndpoints.Prefix}/environments/{result.Value.Id}", EnvironmentResponse.From(result.Value))
            : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Ok<EnvironmentResponse>, ProblemHttpResult>> RenameAsync(
        Guid environmentId, EnvironmentRequest body, ClaimsPrincipal user, EnvironmentService environments, CancellationToken ct)
    {
        var actor = user.ToApiActor();
        var renamed = await environments.RenameAsync(actor, environmentId, body.Name, ct);
        if (!renamed.IsSuccess)
        {
            return ApiResults.Problem(renamed.Error!);
        }

        var result = await environments.GetAsync(actor, environmentId, ct);
        return result.IsSuccess ? TypedResults.Ok(EnvironmentResponse.From(result.Value)) : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid environmentId, ClaimsPrincipal user, EnvironmentService environments, CancellationToken ct)
    {
        var result = await environments.DeleteAsync(user.ToApiActor(), environmentId, ct);
        return result.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(result.Error!);
    }
}
