using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Identity;

/// <summary>Sign-in and session settings (section <c>GoForge:Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string SectionName = "GoForge:Auth";

    /// <summary>Sign-in attempts allowed per account per minute. Default 5.</summary>
    [Range(1, 1000)]
    public int LoginAttemptsPerMinutePerAccount { get; set; } = 5;

    /// <summary>Sign-in attempts allowed per client address per minute. Default 10 (an office behind one address has several people).</summary>
    [Range(1, 10000)]
    public int LoginAttemptsPerMinutePerAddress { get; set; } = 10;

    /// <summary>A session unused this long ends. Default 12 hours.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(12);

    /// <summary>A session ends this long after sign-in, however active. Default 14 days.</summary>
    public TimeSpan SessionAbsoluteLifetime { get; set; } = TimeSpan.FromDays(14);
}

internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (options.SessionIdleTimeout < TimeSpan.FromMinutes(5))
        {
            failures.Add($"{AuthOptions.SectionName}:{nameof(AuthOptions.SessionIdleTimeout)} must be at least 5 minutes.");
        }

        if (options.SessionAbsoluteLifetime < options.SessionIdleTimeout)
        {
            failures.Add($"{AuthOptions.SectionName}:{nameof(AuthOptions.SessionAbsoluteLifetime)} must not be shorter than {nameof(AuthOptions.SessionIdleTimeout)}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
