using System.Threading.RateLimiting;
using GoForge.Web.Auth;
using GoForge.Web.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// Requests per minute per API token (a fixed one-minute window partitioned by token id, so one busy script cannot
/// starve another). Every answer says the limit and what remains (RateLimit-Policy, RateLimit); a rejected call gets
/// 429 problem details with Retry-After.
/// </summary>
internal sealed class ApiRateLimitPolicy(IOptions<ApiOptions> options, IProblemDetailsService problems) : IRateLimiterPolicy<string>
{
    public const string Name = "api-token";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => RejectAsync;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        // The API's authorization runs first, so an unauthenticated call never reaches here; no token, no limiter.
        if (httpContext.User.GetTokenId() is not { } tokenId)
        {
            return RateLimitPartition.GetNoLimiter(string.Empty);
        }

        return RateLimits.PerMinute(httpContext, Name, tokenId.ToString(), options.Value.RequestsPerMinutePerToken);
    }

    private async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var retryAfter = RateLimits.Refuse(context);
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"This token may make {options.Value.RequestsPerMinutePerToken} requests a minute; try again in {retryAfter} s.",
            },
        });
    }
}
