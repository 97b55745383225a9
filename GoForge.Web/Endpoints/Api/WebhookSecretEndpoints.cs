using System.Security.Claims;
using GoForge.Core.GitProviders;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// An application's webhook through <see cref="WebhookService"/>: whether a secret is set and the paths to give each Git
/// host (read); a new secret, answered in that response only (the <c>secrets</c> scope, a maintainer, audited); and the
/// current secret revealed as the Webhooks page reveals it (the same).
/// </summary>
internal static class WebhookSecretEndpoints
{
    public static RouteGroupBuilder MapWebhookSecretEndpoints(this RouteGroupBuilder api)
    {
        var webhook = api.MapGroup("/applications/{applicationId:guid}/webhook").WithTags("Webhooks");
        webhook.MapGet("", GetAsync).RequireScope(ApiScope.Read).WithSummary("Whether the application has a webhook secret, and each Git host's delivery path");
        webhook.MapPost("/secret", RegenerateAsync).RequireScope(ApiScope.Secrets).WithSummary("Create or replace the webhook secret; the answer is the only time it is sent unasked");
        webhook.MapGet("/secret", RevealAsync).RequireScope(ApiScope.Secrets).WithSummary("Reveal the current webhook secret (audited)");
        return api;
    }

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> GetAsync(Guid applicationId, ClaimsPrincipal user, WebhookService webhooks, CancellationToken ct)
    {
        var result = await webhooks.GetAsync(user.ToApiActor(), applicationId, ct);
        if (!result.IsSuccess)
        {
            return ApiResults.Problem(result.Error);
        }

        var paths = Enum.GetValues<WebhookProvider>().ToDictionary(p => p.ToString().ToLowerInvariant(), p => WebhookEndpoints.PathOf(p, applicationId), StringComparer.Ordinal);
        return TypedResults.Ok(new WebhookResponse(result.Value.HasSecret, result.Value.SecretCreatedAt, paths));
    }

    private static async Task<Results<Ok<WebhookSecretResponse>, ProblemHttpResult>> RegenerateAsync(Guid applicationId, ClaimsPrincipal user, WebhookService webhooks, CancellationToken ct) =>
        Answer(await webhooks.RegenerateSecretAsync(user.ToApiActor(), applicationId, ct));

    private static async Task<Results<Ok<WebhookSecretResponse>, ProblemHttpResult>> RevealAsync(Guid applicationId, ClaimsPrincipal user, WebhookService webhooks, CancellationToken ct) =>
        Answer(await webhooks.RevealSecretAsync(user.ToApiActor(), applicationId, ct));

    private static Results<Ok<WebhookSecretResponse>, ProblemHttpResult> Answer(Core.Common.Result<string> result) =>
        result.IsSuccess ? TypedResults.Ok(new WebhookSecretResponse(result.Value)) : ApiResults.Problem(result.Error);
}

/// <param name="Paths">Each provider's delivery path (append it to the panel's public address), keyed by provider.</param>
public sealed record WebhookResponse(bool HasSecret, DateTimeOffset? SecretCreatedAt, IReadOnlyDictionary<string, string> Paths);

public sealed record WebhookSecretResponse(string Secret);
