using System.Security.Claims;
using GoForge.Core.Deployments;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// Deployments: trigger, list, get, cancel, roll back (and its targets), the state history, the queue position, and the log, through <see cref="DeploymentService"/>.
/// The CLI's remote mode (<c>GoForge.Web/Cli/Remote</c>) reads <see cref="DeploymentResponse"/>; keep them in line.
/// </summary>
internal static class DeploymentEndpoints
{
    public const int DefaultLogLimit = 1000;
    public const int MaxLogLimit = 5000;

    public static RouteGroupBuilder MapDeploymentEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/applications/{applicationId:guid}/deployments", TriggerAsync).RequireScope(ApiScope.Deploy).WithTags("Deployments").WithSummary("Queue a deployment (of a commit, or the branch head)");
        api.MapGet("/applications/{applicationId:guid}/deployments", ListAsync).RequireScope(ApiScope.Read).WithTags("Deployments").WithSummary("An application's deployments, newest first");
        api.MapPost("/applications/{applicationId:guid}/rollback", RollbackAsync).RequireScope(ApiScope.Deploy).WithTags("Deployments").WithSummary("Queue a rollback to an earlier deployment's image");
        api.MapGet("/deployments/{deploymentId:guid}", GetAsync).RequireScope(ApiScope.Read).WithTags("Deployments").WithSummary("One deployment");
        api.MapPost("/deployments/{deploymentId:guid}/cancel", CancelAsync).RequireScope(ApiScope.Deploy).WithTags("Deployments").WithSummary("Cancel a pending, cloning or building deployment");
        api.MapGet("/applications/{applicationId:guid}/rollback-targets", RollbackTargetsAsync).RequireScope(ApiScope.Read).WithTags("Deployments").WithSummary("The kept images a rollback can return to, newest first");
        api.MapGet("/deployments/{deploymentId:guid}/history", HistoryAsync).RequireScope(ApiScope.Read).WithTags("Deployments").WithSummary("A deployment's state changes, oldest first");
        api.MapGet("/deployments/{deploymentId:guid}/queue-position", QueuePositionAsync).RequireScope(ApiScope.Read).WithTags("Deployments").WithSummary("A pending deployment's place in the queue (null once it left it)");
        api.MapGet("/deployments/{deploymentId:guid}/log", LogAsync).RequireScope(ApiScope.Read).WithTags("Deployments").WithSummary("A deployment's log lines after a line number (secrets masked)");
        return api;
    }

    private static async Task<Results<Accepted<DeploymentResponse>, ProblemHttpResult>> TriggerAsync(
        Guid applicationId, DeploymentRequest? body, ClaimsPrincipal user, DeploymentService deployments, bool? forceRebuild, CancellationToken ct)
    {
        // {"force": true}: an image application deploys even an unchanged digest. ?forceRebuild=true: a Git application
        // clones and builds even when an image of the same commit and build settings is kept.
        var result = body?.Force == true
            ? await deployments.EnqueueForcedAsync(user.ToApiActor(), applicationId, DeploymentSource.Api, ct)
            : await deployments.EnqueueAsync(user.ToApiActor(), applicationId, body?.CommitSha, DeploymentSource.Api, forceRebuild ?? false, ct);
        return result.IsSuccess
            ? TypedResults.Accepted($"{ApiEndpoints.Prefix}/deployments/{result.Value.Id}", DeploymentResponse.From(result.Value))
            : ApiResults.Problem(result.Error);
    }

    /// <summary>Reads one more than this page, so the page knows whether another follows.</summary>
    private static Task<Results<Ok<Page<DeploymentResponse>>, ProblemHttpResult>> ListAsync(
        Guid applicationId, ClaimsPrincipal user, DeploymentService deployments, int? limit, string? cursor, CancellationToken ct) =>
        PageRequest.AnswerAsync(limit, cursor, page => deployments.ListAsync(user.ToApiActor(), applicationId, page.Offset + page.Limit + 1, ct), DeploymentResponse.From);

    private static async Task<Results<Accepted<DeploymentResponse>, ProblemHttpResult>> RollbackAsync(
        Guid applicationId, RollbackRequest? body, ClaimsPrincipal user, DeploymentService deployments, CancellationToken ct)
    {
        var result = await deployments.RollbackAsync(user.ToApiActor(), applicationId, body?.TargetDeploymentId, ct);
        return result.IsSuccess
            ? TypedResults.Accepted($"{ApiEndpoints.Prefix}/deployments/{result.Value.Id}", DeploymentResponse.From(result.Value))
            : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Ok<DeploymentResponse>, ProblemHttpResult>> GetAsync(Guid deploymentId, ClaimsPrincipal user, DeploymentService deployments, CancellationToken ct)
    {
        var result = await deployments.GetAsync(user.ToApiActor(), deploymentId, ct);
        return result.IsSuccess ? TypedResults.Ok(DeploymentResponse.From(result.Value)) : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Ok<DeploymentResponse>, ProblemHttpResult>> CancelAsync(Guid deploymentId, ClaimsPrincipal user, DeploymentService deployments, CancellationToken ct)
    {
        var result = await deployments.CancelAsync(user.ToApiActor(), deploymentId, ct);
        return result.IsSuccess ? TypedResults.Ok(DeploymentResponse.From(result.Value)) : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Ok<DeploymentLogResponse>, ProblemHttpResult>> LogAsync(
        Guid deploymentId, ClaimsPrincipal user, DeploymentService deployments, int? offset, int? limit, CancellationToken ct)
    {
        var after = offset ?? 0;
        if (after < 0)
        {
            return ApiResults.Validation("offset", "Give the number of the last line you have, 0 for the start.");
        }

        var size = limit ?? DefaultLogLimit;
        if (size is < 1 or > MaxLogLimit)
        {
            return ApiResults.Validation("limit", $"Ask for 1 to {MaxLogLimit} lines.");
        }

        var result = await deployments.LogAsync(user.ToApiActor(), deploymentId, after, size, ct);
        return result.IsSuccess ? TypedResults.Ok(DeploymentLogResponse.From(result.Value, after)) : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Ok<IReadOnlyList<RollbackTargetResponse>>, ProblemHttpResult>> RollbackTargetsAsync(
        Guid applicationId, ClaimsPrincipal user, DeploymentService deployments, CancellationToken ct)
    {
        var result = await deployments.RollbackTargetsAsync(user.ToApiActor(), applicationId, ct);
        return result.IsSuccess
            ? TypedResults.Ok<IReadOnlyList<RollbackTargetResponse>>(result.Value.Select(RollbackTargetResponse.From).ToList())
            : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Ok<IReadOnlyList<TransitionResponse>>, ProblemHttpResult>> HistoryAsync(
        Guid deploymentId, ClaimsPrincipal user, DeploymentService deployments, CancellationToken ct)
    {
        var result = await deployments.HistoryAsync(user.ToApiActor(), deploymentId, ct);
        return result.IsSuccess
            ? TypedResults.Ok<IReadOnlyList<TransitionResponse>>(result.Value.Select(TransitionResponse.Of).ToList())
            : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Ok<QueuePositionResponse>, ProblemHttpResult>> QueuePositionAsync(
        Guid deploymentId, ClaimsPrincipal user, DeploymentService deployments, CancellationToken ct)
    {
        var result = await deployments.QueuePositionAsync(user.ToApiActor(), deploymentId, ct);
        return result.IsSuccess ? TypedResults.Ok(new QueuePositionResponse(result.Value)) : ApiResults.Problem(result.Error);
    }
}

public sealed record RollbackTargetResponse(Guid DeploymentId, string ImageTag, DeploymentState State, bool Served, DateTimeOffset CreatedAt)
{
    public static RollbackTargetResponse From(RetainedImage i) => new(i.DeploymentId, i.ImageTag, i.State, i.Served, i.CreatedAt);
}

public sealed record TransitionResponse(DeploymentState? FromState, DeploymentState ToState, string? Reason, Guid? ActorUserId, DateTimeOffset OccurredAt)
{
    public static TransitionResponse Of(DeploymentTransition t) => new(t.From, t.To, t.Reason, t.ActorUserId, t.OccurredAt);
}

/// <param name="Position">1 for the next to run; null when the deployment is no longer queued.</param>
public sealed record QueuePositionResponse(int? Position);
