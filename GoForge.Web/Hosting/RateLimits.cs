using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GoForge.Web.Hosting;

/// <summary>
/// What GoForge's rate limits (API, sign-in, webhooks) share: a one-minute fixed window per key, the IETF
/// <c>RateLimit-Policy</c> and <c>RateLimit</c> header fields on every answer of a limited request
/// (draft-ietf-httpapi-ratelimit-headers), and the 429 with Retry-After.
/// </summary>
internal static class RateLimits
{
    public const string PolicyHeader = "RateLimit-Policy";
    public const string RemainingHeader = "RateLimit";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Registers the windows every limit shares (idempotent; each limit's registration calls it).</summary>
    public static IServiceCollection AddRateLimitWindows(this IServiceCollection services)
    {
        services.TryAddSingleton<RateLimitWindows>();
        return services;
    }

    /// <summary>
    /// <paramref name="permits"/> requests a minute for <paramref name="key"/> under <paramref name="policy"/>, no queue:
    /// the next one is refused. The request's answer carries the policy and what remains of the window.
    /// </summary>
    public static RateLimitPartition<string> PerMinute(HttpContext context, string policy, string key, int permits)
    {
        ArgumentNullException.ThrowIfNull(context);
        var window = context.RequestServices.GetRequiredService<RateLimitWindows>().Get(policy, key, permits);
        context.Response.OnStarting(static state =>
        {
            var (response, policy, window) = ((HttpResponse, string, MinuteWindow))state;
            var (remaining, reset) = window.Snapshot();
            response.Headers[PolicyHeader] = $"\"{policy}\";q={window.Permits.ToString(CultureInfo.InvariantCulture)};w={((int)Window.TotalSeconds).ToString(CultureInfo.InvariantCulture)}";
            response.Headers[RemainingHeader] = $"\"{policy}\";r={remaining.ToString(CultureInfo.InvariantCulture)};t={reset.ToString(CultureInfo.InvariantCulture)}";
            return Task.CompletedTask;
        }, (context.Response, policy, window));

        // The middleware caches a partition's limiter by key; the factory hands it the same window this request reports on.
        return RateLimitPartition.Get(key, _ => window);
    }

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

/// <summary>
/// The live windows of one app, by policy and key, so a request can report on the very window that counted it. A
/// window leaves when the rate-limiting middleware drops it as idle.
/// </summary>
internal sealed class RateLimitWindows(TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Policy, string Key), MinuteWindow> _windows = new();

    public MinuteWindow Get(string policy, string key, int permits) =>
        _windows.GetOrAdd((policy, key), static (id, state) => new MinuteWindow(state.permits, state.time, w => state.owner.Forget(id, w)), (permits, time, owner: this));

    private void Forget((string, string) id, MinuteWindow window) => _windows.TryRemove(KeyValuePair.Create(id, window));
}

/// <summary>
/// A fixed one-minute window of <see cref="Permits"/> that starts at the first request after the previous one ended.
/// Unlike <see cref="FixedWindowRateLimiter"/> it can say what remains and when it resets (the RateLimit header), and it
/// has no timer: disposing it only forgets it.
/// </summary>
internal sealed class MinuteWindow(int permits, TimeProvider time, Action<MinuteWindow> onDispose) : RateLimiter
{
    private readonly Lock _gate = new();
    private DateTimeOffset _start = time.GetUtcNow();
    private int _used;
    private long _refused;
    private long _granted;

    public int Permits => permits;

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                var now = time.GetUtcNow();
                return now - _start >= RateLimits.Window ? now - _start - RateLimits.Window : _used == 0 ? now - _start : null;
            }
        }
    }

    /// <summary>The permits left in the current window and the whole seconds until it resets (at least 1).</summary>
    public (int Remaining, int ResetSeconds) Snapshot()
    {
        lock (_gate)
        {
            Roll();
            return (permits - _used, ResetSeconds());
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            Roll();
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = permits - _used,
                CurrentQueuedCount = 0,
                TotalFailedLeases = _refused,
                TotalSuccessfulLeases = _granted,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        lock (_gate)
        {
            Roll();
            if (_used + permitCount <= permits)
            {
                _used += permitCount;
                _granted++;
                return WindowLease.Granted;
            }

            _refused++;
            return new WindowLease(acquired: false, TimeSpan.FromSeconds(ResetSeconds()));
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            onDispose(this);
        }

        base.Dispose(disposing);
    }

    private void Roll()
    {
        var now = time.GetUtcNow();
        if (now - _start >= RateLimits.Window)
        {
            _start = now;
            _used = 0;
        }
    }

    private int ResetSeconds() => Math.Max(1, (int)Math.Ceiling((_start + RateLimits.Window - time.GetUtcNow()).TotalSeconds));

    private sealed class WindowLease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly WindowLease Granted = new(acquired: true, retryAfter: null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = wait;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
