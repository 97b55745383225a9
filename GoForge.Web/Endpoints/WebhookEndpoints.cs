using GoForge.Core.GitProviders;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints;

/// <summary>
/// <c>POST /webhooks/github|gitlab|gitea[?app=&lt;application id&gt;]</c>: anonymous (the signature is the
/// authentication), no antiforgery (no cookies are read), limited per client address (<see cref="WebhookRateLimitPolicy"/>),
/// the raw body read up to its cap and handed to Core.
/// </summary>
internal static class WebhookEndpoints
{
    public const string AppQuery = "app";

    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/webhooks/{provider}", ReceiveAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .RequireRateLimiting(WebhookRateLimitPolicy.Name)
            .WithName("ReceiveWebhook");
        return endpoints;
    }

    /// <summary>The path of a provider's endpoint, as the Webhooks panel shows it.</summary>
    public static string PathOf(WebhookProvider provider, Guid applicationId) =>
        $"/webhooks/{provider.ToString().ToLowerInvariant()}?{AppQuery}={applicationId}";

    private static async Task<JsonHttpResult<WebhookAnswer>> ReceiveAsync(string provider, HttpContext context, WebhookReceiver receiver)
    {
        if (!Enum.TryParse<WebhookProvider>(provider, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(provider, out _))
        {
            return Answer(new WebhookResponse(WebhookResponseStatus.NotFound, "Unknown provider: use /webhooks/github, /webhooks/gitlab or /webhooks/gitea."));
        }

        Guid? applicationId = null;
        if (context.Request.Query.TryGetValue(AppQuery, out var app))
        {
            if (!Guid.TryParse(app.ToString(), out var id))
            {
                return Answer(new WebhookResponse(WebhookResponseStatus.NotFound, "No such application."));
            }

            applicationId = id;
        }

        var body = await ReadBodyAsync(context);
        if (body is null)
        {
            return Answer(new WebhookResponse(WebhookResponseStatus.TooLarge, $"The payload is larger than {WebhookLimits.MaxBodyBytes / (1024 * 1024)} MB."));
        }

        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var response = await receiver.ReceiveAsync(new WebhookRequest(kind, headers, context.Request.ContentType, body, applicationId), context.RequestAborted);
        return Answer(response);
    }

    /// <summary>The body, or null when it is larger than the cap (by its Content-Length, or by counting).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength > WebhookLimits.MaxBodyBytes)
        {
            return null;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = WebhookLimits.MaxBodyBytes + 1L;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        try
        {
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > WebhookLimits.MaxBodyBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }

        return buffer.ToArray();
    }

    private static JsonHttpResult<WebhookAnswer> Answer(WebhookResponse response)
    {
        var status = response.Status switch
        {
            WebhookResponseStatus.Accepted => StatusCodes.Status202Accepted,
            WebhookResponseStatus.Ok => StatusCodes.Status200OK,
            WebhookResponseStatus.BadRequest => StatusCodes.Status400BadRequest,
            WebhookResponseStatus.Unauthorized => StatusCodes.Status401Unauthorized,
            WebhookResponseStatus.NotFound => StatusCodes.Status404NotFound,
            WebhookResponseStatus.TooLarge => StatusCodes.Status413PayloadTooLarge,
            WebhookResponseStatus.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
            WebhookResponseStatus.Failed => StatusCodes.Status500InternalServerError,
            WebhookResponseStatus.Forbidden => StatusCodes.Status403Forbidden,
            _ => StatusCodes.Status500InternalServerError,
        };
        return TypedResults.Json(new WebhookAnswer(response.Message, response.DeploymentId), statusCode: status);
    }

    /// <summary>The JSON body of every answer: the Git host shows it in its delivery log.</summary>
    internal sealed record WebhookAnswer(string Message, Guid? DeploymentId);
}
