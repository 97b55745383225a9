using System.Security.Claims;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Monitoring;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// The Docker engine's disk usage and prunes through <see cref="DockerAdminService"/>, as the Docker admin page does
/// them: the <c>admin</c> scope, and Core's administrator check behind it. A prune is planned, then confirmed: the
/// plan answers the candidates, and the prune removes only candidates it is given back (so nothing unseen goes).
/// </summary>
internal static class DockerAdminEndpoints
{
    public static RouteGroupBuilder MapDockerAdminEndpoints(this RouteGroupBuilder api)
    {
        var docker = api.MapGroup("/docker").WithTags("Docker");
        docker.MapGet("", OverviewAsync).RequireScope(ApiScope.Admin).WithSummary("The engine's status, disk usage, GoForge's images and the containers");
        docker.MapGet("/prune/{kind}", PlanAsync).RequireScope(ApiScope.Admin).WithSummary("What a prune of this kind would remove now (removes nothing)");
        docker.MapPost("/prune/{kind}", PruneAsync).RequireScope(ApiScope.Admin).WithSummary("Remove the confirmed candidates of a plan");
        return api;
    }

    private static async Task<Results<Ok<DockerOverviewResponse>, ProblemHttpResult>> OverviewAsync(ClaimsPrincipal user, DockerAdminService docker, CancellationToken ct)
    {
        var result = await docker.GetOverviewAsync(user.ToApiActor(), ct);
        return result.IsSuccess ? TypedResults.Ok(DockerOverviewResponse.From(result.Value)) : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Ok<IReadOnlyList<PruneCandidate>>, ProblemHttpResult>> PlanAsync(
        string kind, ClaimsPrincipal user, DockerAdminService docker, bool? everything, CancellationToken ct)
    {
        if (!TryReadKind(kind, out var pruneKind))
        {
            return KindProblem();
        }

        var result = await docker.PlanPruneAsync(user.ToApiActor(), pruneKind, everything ?? false, ct);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Ok<PruneOutcome>, ProblemHttpResult>> PruneAsync(
        string kind, PruneRequest body, ClaimsPrincipal user, DockerAdminService docker, CancellationToken ct)
    {
        if (!TryReadKind(kind, out var pruneKind))
        {
            return KindProblem();
        }

        if (body.Candidates is null || body.Candidates.Any(c => c is null || string.IsNullOrWhiteSpace(c.Id)))
        {
            return ApiResults.Validation("candidates", "Send back the candidates of a plan (GET the same path) that you confirm.");
        }

        var result = await docker.PruneAsync(user.ToApiActor(), pruneKind, body.Everything ?? false, body.Candidates, ct);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : ApiResults.Problem(result.Error);
    }

    private static ProblemHttpResult KindProblem() =>
        ApiResults.Validation("kind", $"Choose one of {string.Join(", ", Enum.GetValues<PruneKind>().Select(Name))}.");

    private static string Name(PruneKind kind) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());

    private static bool TryReadKind(string text, out PruneKind kind)
    {
        kind = default;
        return !string.IsNullOrEmpty(text) && text.All(char.IsAsciiLetter) && Enum.TryParse(text, ignoreCase: true, out kind) && Enum.IsDefined(kind);
    }
}

/// <summary>The candidates of a plan that the caller confirms, and whether items GoForge did not create may go.</summary>
public sealed record PruneRequest(IReadOnlyList<PruneCandidate>? Candidates, bool? Everything);

public sealed record DockerOverviewResponse(
    GoForge.Core.Servers.EngineStatus Engine, DiskUsage? DiskUsage, IReadOnlyList<EngineImage> Images, IReadOnlyList<ContainerResponse> Containers, string? Error)
{
    public static DockerOverviewResponse From(DockerOverview o) =>
        new(o.Engine, o.DiskUsage, o.Images, o.Containers.Select(ContainerResponse.From).ToList(), o.Error);
}
