using System.Net;
using System.Threading.RateLimiting;
using GoForge.Web.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace GoForge.Web.Endpoints;

/// <summary>The webhook endpoints' edge (section <c>GoForge:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "GoForge:Webhooks";

    /// <summary>
    /// Deliveries a minute from one address (behind a trusted proxy: the client's, from <c>X-Forwarded-For</c>).
    /// Generous, because one Git host sends every repository's pushes from a few addresses; it is there so that one
    /// address cannot keep the panel reading and hashing 25 MB bodies.
    /// </summary>
    public int RequestsPerMinutePerAddress { get; set; } = 600;
}

internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public const int Max = 1_000_000;

    public ValidateOptionsResult Validate(string? name, WebhookOptions options) =>
        options.RequestsPerMinutePerAddress is < 1 or > Max
            ? ValidateOptionsResult.Fail($"{WebhookOptions.SectionName}:{nameof(WebhookOptions.RequestsPerMinutePerAddress)} must be 1 to {Max}.")
            : ValidateOptionsResult.Success;
}

/// <summary>
/// Webhook deliveries per minute per client address, a fixed one-minute window. A rejected delivery gets 429 with
/// Retry-After and the same JSON body as every webhook answer, so the Git host's delivery log says why; it is not
/// recorded as a delivery (nothing was read).
/// </summary>
internal sealed class WebhookRateLimitPolicy(IOptions<WebhookOptions> options) : IRateLimiterPolicy<string>
{
    public const string Name = "webhooks";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => RejectAsync;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var address = httpContext.Connection.RemoteIpAddress ?? IPAddress.None;
        return RateLimits.PerMinute(httpContext, Name, address.ToString(), options.Value.RequestsPerMinutePerAddress);
    }

    private async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var retryAfter = RateLimits.Refuse(context);
        await context.HttpContext.Response.WriteAsJsonAsync(
            new WebhookEndpoints.WebhookAnswer($"Too many deliveries from your address ({options.Value.RequestsPerMinutePerAddress} a minute); try again in {retryAfter} s.", null), ct);
    }
}

internal static class WebhookRateLimiting
{
    public static IServiceCollection AddWebhookRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>();
        services.AddRateLimitWindows();
        services.AddRateLimiter(limiter => limiter.AddPolicy<string, WebhookRateLimitPolicy>(WebhookRateLimitPolicy.Name));
        return services;
    }
}
