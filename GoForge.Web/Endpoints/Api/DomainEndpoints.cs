using System.Security.Claims;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>Who holds each domain, through <see cref="DomainRules.ListAsync"/>, as the settings page's domains card shows it: admin only.</summary>
internal static class DomainEndpoints
{
    public static RouteGroupBuilder MapDomainEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/settings/domains", ListAsync).RequireScope(ApiScope.Admin).WithTags("Administration")
            .WithSummary("Every routed domain with the project and application or service holding it, and the panel's reserved hosts");
        return api;
    }

    private static async Task<Results<Ok<DomainsOverview>, ProblemHttpResult>> ListAsync(ClaimsPrincipal user, DomainRules domains, CancellationToken ct)
    {
        var result = await domains.ListAsync(user.ToApiActor(), ct);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : ApiResults.Problem(result.Error);
    }
}
