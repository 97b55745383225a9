using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Identity;

/// <summary>
/// Per-account sign-in limit (a fixed one-minute window). The per-address limit is the web host's
/// rate-limiting middleware; this one stops a spread-out guessing attack on one account.
/// </summary>
public sealed class LoginThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public LoginThrottle(IOptions<AuthOptions> options)
    {
        var permits = options.Value.LoginAttemptsPerMinutePerAccount;
        _limiter = PartitionedRateLimiter.Create<string, string>(login =>
            RateLimitPartition.GetFixedWindowLimiter(login, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>Takes one attempt for the (normalised) login; false when its limit is used up.</summary>
    public bool TryAcquire(string normalizedLogin)
    {
        using var lease = _limiter.AttemptAcquire(normalizedLogin);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
