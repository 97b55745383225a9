using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Deployments;

/// <summary>The deployment worker's settings (section <c>GoForge:Deployments</c>).</summary>
public sealed class DeploymentOptions
{
    public const string SectionName = "GoForge:Deployments";

    /// <summary>Deployments that run at once (clone, build, deploy). Default 2.</summary>
    [Range(1, 32)]
    public int MaxConcurrent { get; set; } = 2;

    /// <summary>Longest a clone and build may take together before the deployment fails. Default 30 minutes.</summary>
    public TimeSpan BuildTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Longest starting the container and waiting for it to be healthy may take. Default 5 minutes.</summary>
    public TimeSpan DeployTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Where repositories are cloned, one folder per deployment, removed when it ends. Default <c>~/.goforge/work</c>.</summary>
    public string WorkDirectory { get; set; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".goforge", "work");

    /// <summary>How often the worker looks at the queue when nothing woke it (another panel may have queued). Default 30 s.</summary>
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Images kept per application for rollbacks: the running one and the newest others that served (default 3).</summary>
    public int KeepImages { get; set; } = 3;

    /// <summary>
    /// How long the replaced container keeps running after the proxy was switched to the new one, so requests the
    /// proxy had already sent it (or sends on connections opened before the switch) are answered rather than cut.
    /// Zero stops it at once. Default 2 s.
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(2);
}

internal sealed class DeploymentOptionsValidator : IValidateOptions<DeploymentOptions>
{
    public ValidateOptionsResult Validate(string? name, DeploymentOptions options)
    {
        var failures = new List<string>();
        if (options.BuildTimeout < TimeSpan.FromSeconds(10))
        {
            failures.Add($"{DeploymentOptions.SectionName}:{nameof(DeploymentOptions.BuildTimeout)} must be at least 10 seconds.");
        }

        if (options.DeployTimeout < TimeSpan.FromSeconds(5))
        {
            failures.Add($"{DeploymentOptions.SectionName}:{nameof(DeploymentOptions.DeployTimeout)} must be at least 5 seconds.");
        }

        if (options.KeepImages is < 1 or > 50)
        {
            failures.Add($"{DeploymentOptions.SectionName}:{nameof(DeploymentOptions.KeepImages)} must be between 1 and 50.");
        }

        if (options.DrainDelay < TimeSpan.Zero || options.DrainDelay > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{DeploymentOptions.SectionName}:{nameof(DeploymentOptions.DrainDelay)} must be between 00:00:00 and 00:05:00.");
        }

        if (options.IdlePollInterval < TimeSpan.FromMilliseconds(100))
        {
            failures.Add($"{DeploymentOptions.SectionName}:{nameof(DeploymentOptions.IdlePollInterval)} must be at least 100 ms.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
