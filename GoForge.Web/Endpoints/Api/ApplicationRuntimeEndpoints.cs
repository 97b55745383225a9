using System.Security.Claims;
using GoForge.Core.Common;
using GoForge.Core.Deployments;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Runtime;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// An application's container without a build, beside the application endpoints: its run state, "Apply", stop, start and
/// restart, through <see cref="ApplicationRuntimeService"/> (docs/deployments/apply-and-stop.md).
/// </summary>
internal static class ApplicationRuntimeEndpoints
{
    public static RouteGroupBuilder MapApplicationRuntimeEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/applications/{applicationId:guid}/runtime", StatusAsync).RequireScope(ApiScope.Read).WithTags("Applications").WithSummary("Whether an application is running or stopped, and whether Apply would change its settings");
        api.MapPost("/applications/{applicationId:guid}/apply", ApplyAsync).RequireScope(ApiScope.Deploy).WithTags("Applications").WithSummary("Queue a restart deployment: the running image with the current settings, no build");
        api.MapPost("/applications/{applicationId:guid}/stop", StopAsync).RequireScope(ApiScope.Deploy).WithTags("Applications").WithSummary("Stop an application's container; its domains answer 503 until it is started");
        api.MapPost("/applications/{applicationId:guid}/start", StartAsync).RequireScope(ApiScope.Deploy).WithTags("Applications").WithSummary("Start a stopped application's container; its route comes back once it is healthy");
        api.MapPost("/applications/{applicationId:guid}/restart", RestartAsync).RequireScope(ApiScope.Deploy).WithTags("Applications").WithSummary("Restart an application's container (the same container)");
        return api;
    }

    private static async Task<Results<Ok<ApplicationRuntimeResponse>, ProblemHttpResult>> StatusAsync(
        Guid applicationId, ClaimsPrincipal user, ApplicationRuntimeService runtime, CancellationToken ct)
    {
        var result = await runtime.StatusAsync(user.ToApiActor(), applicationId, ct);
        return result.IsSuccess ? TypedResults.Ok(ApplicationRuntimeResponse.From(result.Value)) : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Accepted<DeploymentResponse>, ProblemHttpResult>> ApplyAsync(
        Guid applicationId, ClaimsPrincipal user, ApplicationRuntimeService runtime, CancellationToken ct)
    {
        var result = await runtime.ApplyAsync(user.ToApiActor(), applicationId, DeploymentSource.Api, ct);
        return result.IsSuccess
            ? TypedResults.Accepted($"{ApiEndpoints.Prefix}/deployments/{result.Value.Id}", DeploymentResponse.From(result.Value))
            : ApiResults.Problem(result.Error);
    }

    private static Task<Results<Ok<RunStateResponse>, ProblemHttpResult>> StopAsync(Guid applicationId, ClaimsPrincipal user, ApplicationRuntimeService runtime, CancellationToken ct) =>
        AnswerAsync(runtime.StopAsync(user.ToApiActor(), applicationId, ct));

    private static Task<Results<Ok<RunStateResponse>, ProblemHttpResult>> StartAsync(Guid applicationId, ClaimsPrincipal user, ApplicationRuntimeService runtime, CancellationToken ct) =>
        AnswerAsync(runtime.StartAsync(user.ToApiActor(), applicationId, ct));

    private static Task<Results<Ok<RunStateResponse>, ProblemHttpResult>> RestartAsync(Guid applicationId, ClaimsPrincipal user, ApplicationRuntimeService runtime, CancellationToken ct) =>
        AnswerAsync(runtime.RestartAsync(user.ToApiActor(), applicationId, ct));

    private static async Task<Results<Ok<RunStateResponse>, ProblemHttpResult>> AnswerAsync(Task<Result<ApplicationRunState>> call)
    {
        var result = await call;
        return result.IsSuccess ? TypedResults.Ok(new RunStateResponse(result.Value)) : ApiResults.Problem(result.Error);
    }
}

/// <summary>An application's run state after stop, start or restart.</summary>
public sealed record RunStateResponse(ApplicationRunState RunState);

/// <summary>Whether the application runs or was stopped, the deployment serving, and whether "Apply" would change its settings.</summary>
public sealed record ApplicationRuntimeResponse(ApplicationRunState RunState, Guid? RunningDeploymentId, bool HasPendingSettings)
{
    public static ApplicationRuntimeResponse From(ApplicationRuntimeStatus s) => new(s.RunState, s.RunningDeploymentId, s.HasPendingSettings);
}
