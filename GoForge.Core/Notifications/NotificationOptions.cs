using Microsoft.Extensions.Options;

namespace GoForge.Core.Notifications;

/// <summary>Delivery of notifications: retries, time-outs and the rate limit (section <c>GoForge:Notifications</c>).</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "GoForge:Notifications";

    /// <summary>Attempts per delivery before it is failed for good.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The wait after the first failed attempt; doubled after each further one, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest one send (HTTP request or SMTP session) may take.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often the queue is looked at when nothing wakes the dispatcher (a retry falls due, another panel queued).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A row left sending longer than this (its panel was killed mid-send) is taken again.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The rate limit's window.</summary>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Per channel, at most this many deliveries of one kind about one subject in a window; the rest are suppressed.</summary>
    public int PerSubjectLimit { get; set; } = 3;

    /// <summary>Per channel, at most this many deliveries of any kind in a window.</summary>
    public int PerChannelLimit { get; set; } = 30;

    internal RateLimit RateLimit => new(RateLimitWindow, PerSubjectLimit, PerChannelLimit);

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1, after <paramref name="attempt"/> failures.</summary>
    internal TimeSpan BackoffAfter(int attempt)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var wait = InitialBackoff.TotalMilliseconds * factor;
        return wait >= MaxBackoff.TotalMilliseconds ? MaxBackoff : TimeSpan.FromMilliseconds(wait);
    }
}

internal sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var errors = new List<string>();
        void Range(string key, TimeSpan value, TimeSpan min, TimeSpan max)
        {
            if (value < min || value > max)
            {
                errors.Add($"{NotificationOptions.SectionName}:{key} must be between {min} and {max} (it is {value}).");
            }
        }

        if (options.MaxAttempts is < 1 or > 50)
        {
            errors.Add($"{NotificationOptions.SectionName}:{nameof(NotificationOptions.MaxAttempts)} must be between 1 and 50 (it is {options.MaxAttempts}).");
        }

        Range(nameof(NotificationOptions.InitialBackoff), options.InitialBackoff, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        Range(nameof(NotificationOptions.MaxBackoff), options.MaxBackoff, options.InitialBackoff, TimeSpan.FromDays(1));
        Range(nameof(NotificationOptions.SendTimeout), options.SendTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        Range(nameof(NotificationOptions.PollInterval), options.PollInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        Range(nameof(NotificationOptions.ClaimLease), options.ClaimLease, options.SendTimeout + TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Range(nameof(NotificationOptions.RateLimitWindow), options.RateLimitWindow, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        if (options.PerSubjectLimit is < 1 or > 1000)
        {
            errors.Add($"{NotificationOptions.SectionName}:{nameof(NotificationOptions.PerSubjectLimit)} must be between 1 and 1000 (it is {options.PerSubjectLimit}).");
        }

        if (options.PerChannelLimit < options.PerSubjectLimit || options.PerChannelLimit > 10000)
        {
            errors.Add($"{NotificationOptions.SectionName}:{nameof(NotificationOptions.PerChannelLimit)} must be between {nameof(NotificationOptions.PerSubjectLimit)} and 10000 (it is {options.PerChannelLimit}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
