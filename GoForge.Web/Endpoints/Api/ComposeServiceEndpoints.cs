using System.Security.Claims;
using GoForge.Core.Compose;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Monitoring;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// A compose application's services as they run, through <see cref="ComposeOverviewService"/> (docs/deployments/compose-overview.md):
/// what the Overview shows. Another project's application is not found; an application that is not a compose one has none.
/// </summary>
internal static class ComposeServiceEndpoints
{
    public static RouteGroupBuilder MapComposeServiceEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/applications/{applicationId:guid}/services", ListAsync).RequireScope(ApiScope.Read).WithTags("Applications")
            .WithSummary("A compose application's services in start order: state, image, container and health (empty for other applications)");
        return api;
    }

    private static async Task<Results<Ok<ComposeServiceListResponse>, ProblemHttpResult>> ListAsync(
        Guid applicationId, ClaimsPrincipal user, ComposeOverviewService compose, CancellationToken ct)
    {
        var result = await compose.GetAsync(user.ToApiActor(), applicationId, ct);
        return result.IsSuccess
            ? TypedResults.Ok(new ComposeServiceListResponse(result.Value.DeploymentId, [.. result.Value.Services.Select(ComposeServiceResponse.From)]))
            : ApiResults.Problem(result.Error);
    }
}

/// <param name="DeploymentId">The running deployment the services belong to; null when none runs.</param>
public sealed record ComposeServiceListResponse(Guid? DeploymentId, IReadOnlyList<ComposeServiceResponse> Items);

/// <param name="State">Where the deployment left the service (<c>running</c>, <c>completed</c>, <c>failed</c>, ...).</param>
/// <param name="Image">The image tag it runs; null before it was built or pulled.</param>
/// <param name="Container">Its container's name; null when it has none.</param>
/// <param name="ContainerState">What the engine says of the container now (<c>running</c>, <c>exited</c>, ...); <c>removed</c> when the engine has none.</param>
/// <param name="Health">The engine's health verdict (<c>none</c> without a health check); null without a container.</param>
/// <param name="Domains">The application's domains that route to it.</param>
public sealed record ComposeServiceResponse(
    string Service, ComposeServiceState State, string? Image, string? Container, ContainerRunState ContainerState, ContainerHealthState? Health,
    bool Routed, IReadOnlyList<string> Domains, string? Reason)
{
    public static ComposeServiceResponse From(ComposeServiceView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var r = view.Record;
        var c = view.Container;
        return new ComposeServiceResponse(r.Service, r.State, r.ImageTag, c?.Name, c?.State ?? ContainerRunState.Removed, c?.Health, r.Routed,
            [.. view.Domains.Select(d => d.ToString())], r.Reason);
    }
}
