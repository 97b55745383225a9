using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace GoForge.Web.Hosting;

/// <summary>What GoForge's rate limits share: a one-minute fixed window per key, and the 429 with Retry-After.</summary>
internal static class RateLimits
{
    /// <summary><paramref name="permits"/> requests a minute for <paramref name="key"/>, no queue: the next one is refused.</summary>
    public static RateLimitPartition<string> PerMinute(string key, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });

    /// <summary>Sets 429 and Retry-After (the window's rest, at least 1 s) on the refused response; returns the seconds.</summary>
    public static int Refuse(OnRejectedContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 60;
        context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        return retryAfter;
    }
}
