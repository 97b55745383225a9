using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Registry;

/// <summary>Pulls and digest checks of image applications (section <c>GoForge:Registry</c>).</summary>
public sealed class RegistryOptions
{
    public const string SectionName = "GoForge:Registry";

    /// <summary>Longest an image application's pull may take before its deployment fails. Default 15 minutes.</summary>
    public TimeSpan PullTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Longest one digest check (one registry round trip through the engine) may take. Default 30 s.</summary>
    public TimeSpan DigestCheckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the digest check looks for applications that are due. Default 1 minute.</summary>
    public TimeSpan DigestCheckTick { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether the digest check runs at all. Default true.</summary>
    [Required]
    public bool DigestChecks { get; set; } = true;
}

internal sealed class RegistryOptionsValidator : IValidateOptions<RegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryOptions options)
    {
        var errors = new List<string>();
        if (options.PullTimeout <= TimeSpan.Zero || options.PullTimeout > TimeSpan.FromHours(6))
        {
            errors.Add($"{RegistryOptions.SectionName}:PullTimeout must be more than zero and at most 6 hours.");
        }

        if (options.DigestCheckTimeout <= TimeSpan.Zero || options.DigestCheckTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{RegistryOptions.SectionName}:DigestCheckTimeout must be more than zero and at most 10 minutes.");
        }

        if (options.DigestCheckTick < TimeSpan.FromSeconds(1) || options.DigestCheckTick > TimeSpan.FromHours(1))
        {
            errors.Add($"{RegistryOptions.SectionName}:DigestCheckTick must be between 1 second and 1 hour.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
