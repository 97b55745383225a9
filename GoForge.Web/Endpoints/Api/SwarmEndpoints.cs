using System.Security.Claims;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Servers;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// The Swarm as the Servers page's Swarm card manages it, through <see cref="SwarmService"/>: the <c>admin</c> scope,
/// and Core's administrator check behind it (docs/decisions/swarm.md). Reading the join tokens is audited in Core.
/// </summary>
internal static class SwarmEndpoints
{
    public static RouteGroupBuilder MapSwarmEndpoints(this RouteGroupBuilder api)
    {
        var swarm = api.MapGroup("/swarm").WithTags("Swarm");
        swarm.MapGet("", StatusAsync).RequireScope(ApiScope.Admin).WithSummary("Whether this engine is in a Swarm, and its role");
        swarm.MapPost("/init", InitAsync).RequireScope(ApiScope.Admin).WithSummary("Make this engine the manager of a new Swarm");
        swarm.MapGet("/join", JoinAsync).RequireScope(ApiScope.Admin).WithSummary("The join commands for workers and managers (secrets; audited)");
        swarm.MapGet("/nodes", NodesAsync).RequireScope(ApiScope.Admin).WithSummary("The Swarm's nodes");
        swarm.MapPut("/nodes/{nodeId}/availability", AvailabilityAsync).RequireScope(ApiScope.Admin).WithSummary("Drain, pause or activate a node");
        swarm.MapPut("/nodes/{nodeId}/labels", LabelsAsync).RequireScope(ApiScope.Admin).WithSummary("Replace a node's labels");
        swarm.MapDelete("/nodes/{nodeId}", RemoveAsync).RequireScope(ApiScope.Admin).WithSummary("Remove a node that is down");
        return api;
    }

    private static async Task<Results<Ok<SwarmStatus>, ProblemHttpResult>> StatusAsync(ClaimsPrincipal user, SwarmService swarm, CancellationToken ct)
    {
        var result = await swarm.StatusAsync(user.ToApiActor(), ct);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> InitAsync(SwarmInitRequest body, ClaimsPrincipal user, SwarmService swarm, CancellationToken ct)
    {
        var result = await swarm.InitAsync(user.ToApiActor(), body.AdvertiseAddress, ct);
        return result.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(result.Error!);
    }

    private static async Task<Results<Ok<SwarmJoinResponse>, ProblemHttpResult>> JoinAsync(ClaimsPrincipal user, SwarmService swarm, CancellationToken ct)
    {
        var result = await swarm.JoinAsync(user.ToApiActor(), ct);
        return result.IsSuccess ? TypedResults.Ok(SwarmJoinResponse.From(result.Value)) : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Ok<IReadOnlyList<ClusterNode>>, ProblemHttpResult>> NodesAsync(ClaimsPrincipal user, SwarmService swarm, CancellationToken ct)
    {
        var result = await swarm.NodesAsync(user.ToApiActor(), ct);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Ok<ClusterNode>, ProblemHttpResult>> AvailabilityAsync(
        string nodeId, SwarmAvailabilityRequest body, ClaimsPrincipal user, SwarmService swarm, CancellationToken ct)
    {
        if (!Enum.TryParse<ClusterNodeAvailability>(body.Availability, ignoreCase: true, out var availability) || !Enum.IsDefined(availability)
            || !body.Availability!.All(char.IsAsciiLetter))
        {
            return ApiResults.Validation("availability", "Choose active, pause or drain.");
        }

        var result = await swarm.SetAvailabilityAsync(user.ToApiActor(), nodeId, availability, ct);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Ok<ClusterNode>, ProblemHttpResult>> LabelsAsync(
        string nodeId, SwarmLabelsRequest body, ClaimsPrincipal user, SwarmService swarm, CancellationToken ct)
    {
        var result = await swarm.SetLabelsAsync(user.ToApiActor(), nodeId, body.Labels ?? new Dictionary<string, string>(), ct);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(string nodeId, ClaimsPrincipal user, SwarmService swarm, CancellationToken ct)
    {
        var result = await swarm.RemoveNodeAsync(user.ToApiActor(), nodeId, ct);
        return result.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(result.Error!);
    }
}

public sealed record SwarmInitRequest(string? AdvertiseAddress);

public sealed record SwarmAvailabilityRequest(string? Availability);

public sealed record SwarmLabelsRequest(IReadOnlyDictionary<string, string>? Labels);

/// <summary>The manager's address, both tokens and the command each kind of node runs to join.</summary>
public sealed record SwarmJoinResponse(string ManagerAddress, string WorkerToken, string ManagerToken, string WorkerCommand, string ManagerCommand)
{
    public static SwarmJoinResponse From(SwarmJoin join) =>
        new(join.ManagerAddress, join.WorkerToken, join.ManagerToken, join.Command(ClusterNodeRole.Worker), join.Command(ClusterNodeRole.Manager));
}
