using System.Globalization;
using System.Text.RegularExpressions;

namespace GoForge.Tests.Support;

/// <summary>The IETF RateLimit-Policy and RateLimit header fields of one answer, parsed (each field must be there once).</summary>
internal sealed partial record RateLimitHeaders(string Policy, int Quota, int WindowSeconds, int Remaining, int ResetSeconds)
{
    public static RateLimitHeaders Read(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.True(response.Headers.TryGetValues("RateLimit-Policy", out var policies), $"no RateLimit-Policy on a {(int)response.StatusCode}");
        Assert.True(response.Headers.TryGetValues("RateLimit", out var limits), $"no RateLimit on a {(int)response.StatusCode}");
        var policy = PolicyField().Match(Assert.Single(policies));
        var limit = LimitField().Match(Assert.Single(limits));
        Assert.True(policy.Success, string.Join(",", policies));
        Assert.True(limit.Success, string.Join(",", limits));
        Assert.Equal(policy.Groups["name"].Value, limit.Groups["name"].Value);
        return new RateLimitHeaders(policy.Groups["name"].Value, Number(policy, "q"), Number(policy, "w"), Number(limit, "r"), Number(limit, "t"));
    }

    private static int Number(Match match, string group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex("""^"(?<name>[a-z-]+)";q=(?<q>\d+);w=(?<w>\d+)$""")]
    private static partial Regex PolicyField();

    [GeneratedRegex("""^"(?<name>[a-z-]+)";r=(?<r>\d+);t=(?<t>\d+)$""")]
    private static partial Regex LimitField();
}
