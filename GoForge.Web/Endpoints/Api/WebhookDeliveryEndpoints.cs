using System.Security.Claims;
using GoForge.Core.GitProviders;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>An application's recent webhook deliveries and what became of each, through <see cref="WebhookService"/>.</summary>
internal static class WebhookDeliveryEndpoints
{
    public static RouteGroupBuilder MapWebhookDeliveryEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/applications/{applicationId:guid}/webhook-deliveries", ListAsync).RequireScope(ApiScope.Read).WithTags("Webhooks").WithSummary("An application's recent webhook deliveries, newest first");
        return api;
    }

    private static Task<Results<Ok<Page<WebhookDeliveryResponse>>, ProblemHttpResult>> ListAsync(
        Guid applicationId, ClaimsPrincipal user, WebhookService webhooks, int? limit, string? cursor, CancellationToken ct) =>
        PageRequest.AnswerAsync(limit, cursor, _ => webhooks.ListDeliveriesAsync(user.ToApiActor(), applicationId, ct), WebhookDeliveryResponse.From);
}
