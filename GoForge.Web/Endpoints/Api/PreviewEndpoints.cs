using System.Security.Claims;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Previews;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// Pull request previews through <see cref="PreviewService"/>, as the Previews tab offers them: list, approve a fork's
/// head commit, redeploy, delete; the settings and the variables' "available to previews" marks (docs/decisions/previews.md).
/// </summary>
internal static class PreviewEndpoints
{
    public static RouteGroupBuilder MapPreviewEndpoints(this RouteGroupBuilder api)
    {
        var app = api.MapGroup("/applications/{applicationId:guid}/previews").WithTags("Previews");
        app.MapGet("", ListAsync).RequireScope(ApiScope.Read).WithSummary("The application's pull request previews, open ones first");
        app.MapGet("/settings", GetSettingsAsync).RequireScope(ApiScope.Read).WithSummary("The application's preview settings (off until saved)");
        app.MapPut("/settings", UpdateSettingsAsync).RequireScope(ApiScope.Write).WithSummary("Turn previews on or off, set the domain pattern, the limit and the idle days (maintainers)");
        app.MapGet("/variables", ListVariablesAsync).RequireScope(ApiScope.Read).WithSummary("The application's variables (keys, no values) with their 'available to previews' mark");
        app.MapPut("/variables/{variableId:guid}", MarkVariableAsync).RequireScope(ApiScope.Write).WithSummary("Mark a variable available to previews or not (maintainers)");
        var preview = api.MapGroup("/previews/{previewId:guid}").WithTags("Previews");
        preview.MapPost("/approve", ApproveAsync).RequireScope(ApiScope.Write).WithSummary("Approve a fork's exact head commit (maintainers); a later push needs a new approval");
        preview.MapPost("/redeploy", RedeployAsync).RequireScope(ApiScope.Deploy).WithSummary("Queue the preview's head commit again (needs no approval, or an approved head)");
        preview.MapDelete("", DeleteAsync).RequireScope(ApiScope.Write).WithSummary("Tear the preview down and forget it (maintainers)");
        return api;
    }

    private static async Task<Results<Ok<IReadOnlyList<PreviewResponse>>, ProblemHttpResult>> ListAsync(Guid applicationId, ClaimsPrincipal user, PreviewService previews, CancellationToken ct)
    {
        var listed = await previews.ListAsync(user.ToApiActor(), applicationId, ct);
        return listed.IsSuccess ? TypedResults.Ok<IReadOnlyList<PreviewResponse>>(listed.Value.Select(PreviewResponse.From).ToList()) : ApiResults.Problem(listed.Error);
    }

    private static async Task<Results<Ok<PreviewSettings>, ProblemHttpResult>> GetSettingsAsync(Guid applicationId, ClaimsPrincipal user, PreviewService previews, CancellationToken ct)
    {
        var settings = await previews.GetSettingsAsync(user.ToApiActor(), applicationId, ct);
        return settings.IsSuccess ? TypedResults.Ok(settings.Value) : ApiResults.Problem(settings.Error);
    }

    private static async Task<Results<Ok<PreviewSettings>, ProblemHttpResult>> UpdateSettingsAsync(Guid applicationId, PreviewSettingsInput body, ClaimsPrincipal user, PreviewService previews, CancellationToken ct)
    {
        var settings = await previews.UpdateSettingsAsync(user.ToApiActor(), applicationId, body, ct);
        return settings.IsSuccess ? TypedResults.Ok(settings.Value) : ApiResults.Problem(settings.Error);
    }

    private static async Task<Results<Ok<IReadOnlyList<PreviewVariableMark>>, ProblemHttpResult>> ListVariablesAsync(Guid applicationId, ClaimsPrincipal user, PreviewService previews, CancellationToken ct)
    {
        var listed = await previews.ListVariablesAsync(user.ToApiActor(), applicationId, ct);
        return listed.IsSuccess ? TypedResults.Ok(listed.Value) : ApiResults.Problem(listed.Error);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> MarkVariableAsync(Guid applicationId, Guid variableId, PreviewVariableRequest body, ClaimsPrincipal user, PreviewService previews, CancellationToken ct)
    {
        var marked = await previews.SetVariableAvailableAsync(user.ToApiActor(), applicationId, variableId, body.Available, ct);
        return marked.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(marked.Error!);
    }

    private static async Task<Results<Ok<Preview>, ProblemHttpResult>> ApproveAsync(Guid previewId, PreviewApprovalRequest body, ClaimsPrincipal user, PreviewService previews, CancellationToken ct)
    {
        var approved = await previews.ApproveAsync(user.ToApiActor(), previewId, body.HeadCommit ?? string.Empty, ct);
        return approved.IsSuccess ? TypedResults.Ok(approved.Value) : ApiResults.Problem(approved.Error);
    }

    private static async Task<Results<Ok<Preview>, ProblemHttpResult>> RedeployAsync(Guid previewId, ClaimsPrincipal user, PreviewService previews, CancellationToken ct)
    {
        var queued = await previews.RedeployAsync(user.ToApiActor(), previewId, ct);
        return queued.IsSuccess ? TypedResults.Ok(queued.Value) : ApiResults.Problem(queued.Error);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid previewId, ClaimsPrincipal user, PreviewService previews, CancellationToken ct)
    {
        var deleted = await previews.DeleteAsync(user.ToApiActor(), previewId, ct);
        return deleted.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(deleted.Error!);
    }
}

/// <param name="HeadCommit">The head commit the maintainer looked at; refused (409) when a push has moved the head since.</param>
public sealed record PreviewApprovalRequest(string? HeadCommit);

public sealed record PreviewVariableRequest(bool Available);

public sealed record PreviewResponse(Preview Preview, string? Url, IReadOnlyList<PreviewDeploymentResponse> Deployments)
{
    public static PreviewResponse From(PreviewView view) => new(view.Preview, view.Url,
        view.Deployments.Select(d => new PreviewDeploymentResponse(d.Id, d.State, d.CommitSha, d.Reason, d.CreatedAt)).ToList());
}

/// <summary>One of a preview's deployments; its log, transitions and cancel are the deployment endpoints'.</summary>
public sealed record PreviewDeploymentResponse(Guid Id, GoForge.Core.Deployments.DeploymentState State, string? CommitSha, string? Reason, DateTimeOffset CreatedAt);
