using System.Security.Claims;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>Projects: list, get, create, update, delete, through <see cref="ProjectService"/> as the token's actor.</summary>
internal static class ProjectEndpoints
{
    public static RouteGroupBuilder MapProjectEndpoints(this RouteGroupBuilder api)
    {
        var projects = api.MapGroup("/projects").WithTags("Projects");
        projects.MapGet("", ListAsync).RequireScope(ApiScope.Read).WithSummary("Projects the token can see");
        projects.MapGet("/{projectId:guid}", GetAsync).RequireScope(ApiScope.Read).WithSummary("One project");
        projects.MapPost("", CreateAsync).RequireScope(ApiScope.Write).WithSummary("Create a project (with its production environment)");
        projects.MapPut("/{projectId:guid}", UpdateAsync).RequireScope(ApiScope.Write).WithSummary("Change a project's name and description");
        projects.MapDelete("/{projectId:guid}", DeleteAsync).RequireScope(ApiScope.Write).WithSummary("Delete a project with everything in it");
        return api;
    }

    private static async Task<Results<Ok<Page<ProjectListItem>>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, ProjectService projects, int? limit, string? cursor, CancellationToken ct)
    {
        if (!PageRequest.TryRead(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        var all = await projects.ListAsync(user.ToApiActor(), ct);
        return TypedResults.Ok(page.Apply(all, ProjectListItem.From));
    }

    private static async Task<Results<Ok<ProjectResponse>, ProblemHttpResult>> GetAsync(Guid projectId, ClaimsPrincipal user, ProjectService projects, CancellationToken ct)
    {
        var result = await projects.GetAsync(user.ToApiActor(), projectId, ct);
        return result.IsSuccess ? TypedResults.Ok(ProjectResponse.From(result.Value)) : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Created<ProjectResponse>, ProblemHttpResult>> CreateAsync(ProjectRequest body, ClaimsPrincipal user, ProjectService projects, CancellationToken ct)
    {
        var result = await projects.CreateAsync(user.ToApiActor(), new ProjectInput(body.Name, body.Description), ct);
        return result.IsSuccess
            ? TypedResults.Created($"{ApiEndpoints.Prefix}/projects/{result.Value.Id}", ProjectResponse.From(result.Value))
            : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Ok<ProjectResponse>, ProblemHttpResult>> UpdateAsync(
        Guid projectId, ProjectRequest body, ClaimsPrincipal user, ProjectService projects, CancellationToken ct)
    {
        var actor = user.ToApiActor();
        var updated = await projects.UpdateAsync(actor, projectId, new ProjectInput(body.Name, body.Description), ct);
        if (!updated.IsSuccess)
        {
            return ApiResults.Problem(updated.Error!);
        }

        var result = await projects.GetAsync(actor, projectId, ct);
        return result.IsSuccess ? TypedResults.Ok(ProjectResponse.From(result.Value)) : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid projectId, ClaimsPrincipal user, ProjectService projects, CancellationToken ct)
    {
        var result = await projects.DeleteAsync(user.ToApiActor(), projectId, ct);
        return result.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(result.Error!);
    }
}
