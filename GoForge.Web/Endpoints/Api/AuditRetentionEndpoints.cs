using System.Security.Claims;
using GoForge.Core.AuditTrail;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>"Keep audit events for N days" through <see cref="AuditRetention"/>, as the settings page changes it: the <c>admin</c> scope and Core's administrator check.</summary>
internal static class AuditRetentionEndpoints
{
    public static RouteGroupBuilder MapAuditRetentionEndpoints(this RouteGroupBuilder api)
    {
        var settings = api.MapGroup("/settings/audit-retention").WithTags("Administration");
        settings.MapGet("", GetAsync).RequireScope(ApiScope.Admin)
            .WithSummary("How many days audit events are kept before the daily prune removes them");
        settings.MapPut("", SaveAsync).RequireScope(ApiScope.Admin)
            .WithSummary("Change how many days audit events are kept (30 to 3650)");
        return api;
    }

    private static async Task<Results<Ok<AuditRetentionView>, ProblemHttpResult>> GetAsync(ClaimsPrincipal user, AuditRetention retention, CancellationToken ct) =>
        Answer(await retention.GetAsync(user.ToApiActor(), ct));

    private static async Task<Results<Ok<AuditRetentionView>, ProblemHttpResult>> SaveAsync(
        AuditRetentionInput body, ClaimsPrincipal user, AuditRetention retention, CancellationToken ct) =>
        Answer(await retention.SaveAsync(user.ToApiActor(), body, ct));

    private static Results<Ok<AuditRetentionView>, ProblemHttpResult> Answer(Core.Common.Result<AuditRetentionView> result) =>
        result.IsSuccess ? TypedResults.Ok(result.Value) : ApiResults.Problem(result.Error);
}
