using System.Net;
using System.Threading.RateLimiting;
using GoForge.Core.Identity;
using GoForge.Web.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace GoForge.Web.Auth;

/// <summary>
/// The per-address limit on sign-in posts, by ASP.NET Core's rate-limiting middleware. Page views
/// (GET) are free; each POST takes one permit from the client address's one-minute window, and its answer says the
/// limit and what remains (RateLimit-Policy, RateLimit).
/// </summary>
internal static class SignInRateLimiting
{
    public const string PolicyName = "sign-in";

    public const string RejectedMessage = "Too many sign-in attempts from your address. Wait a minute, then try again.";

    public static IServiceCollection AddSignInRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimitWindows();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(PolicyName, context =>
            {
                if (!HttpMethods.IsPost(context.Request.Method))
                {
                    return RateLimitPartition.GetNoLimiter("read");
                }

                var permits = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.LoginAttemptsPerMinutePerAddress;
                var address = context.Connection.RemoteIpAddress ?? IPAddress.None;
                return RateLimits.PerMinute(context, PolicyName, address.ToString(), permits);
            });
            limiter.OnRejected = async (context, ct) =>
            {
                RateLimits.Refuse(context);
                context.HttpContext.Response.ContentType = "text/html; charset=utf-8";
                await context.HttpContext.Response.WriteAsync(RejectedPage, ct);
            };
        });
        return services;
    }

    private const string RejectedPage = $$"""
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Too many attempts · GoForge</title>
        <style>body{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:100vh;margin:0;background:#f4f5fb;color:#1f2133}
        main{background:#fff;padding:2rem 2.5rem;border-radius:12px;box-shadow:0 4px 24px #0001;max-width:28rem}</style></head>
        <body><main><h1>Slow down</h1><p role="alert">{{RejectedMessage}}</p><p><a href="/login">Back to sign-in</a></p></main></body></html>
        """;
}
