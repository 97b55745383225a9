using GoForge.Core.Common;
using GoForge.Core.Containers;

namespace GoForge.Core.Projects;

/// <summary>The rules of an application's source choice: an image application's reference and digest-check interval.</summary>
public static class ImageSourceRules
{
    /// <summary>The shortest interval between digest checks: registries rate-limit, and a check is a round trip to them.</summary>
    public const int MinDigestCheckMinutes = 5;

    /// <summary>The longest interval: once a day.</summary>
    public const int MaxDigestCheckMinutes = 1440;

    /// <summary>Checks the source fields; returns the parsed reference of a valid image application, otherwise null.</summary>
    public static ImageReference? Validate(ApplicationInput input, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(errors);
        if (!Enum.IsDefined(input.Source))
        {
            errors.Add(nameof(ApplicationInput.Source), "Choose Git, a registry image or a compose file.");
            return null;
        }

        if (input.Source != ApplicationSourceKind.Image)
        {
            if (input.DigestCheckMinutes is not null)
            {
                errors.Add(nameof(ApplicationInput.DigestCheckMinutes), "Only an application from a registry image checks for a new digest.");
            }

            return null;
        }

        ValidateDigestCheck(input.DigestCheckMinutes, errors);
        if (!ImageReference.TryParse(input.ImageReference, out var reference, out var error))
        {
            errors.Add(nameof(ApplicationInput.ImageReference), error);
            return null;
        }

        return reference;
    }

    public static void ValidateDigestCheck(int? minutes, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (minutes is { } m && (m < MinDigestCheckMinutes || m > MaxDigestCheckMinutes))
        {
            errors.Add(nameof(ApplicationInput.DigestCheckMinutes),
                $"Check every {MinDigestCheckMinutes} to {MaxDigestCheckMinutes} minutes, or leave it empty for never.");
        }
    }

    /// <summary>The application as an image application: the reference as parsed, and no Git fields.</summary>
    public static Application Apply(Application application, ImageReference reference, int? digestCheckMinutes)
    {
        ArgumentNullException.ThrowIfNull(application);
        ArgumentNullException.ThrowIfNull(reference);
        return application with
        {
            Source = ApplicationSourceKind.Image,
            ImageReference = reference.ToString(),
            DigestCheckMinutes = digestCheckMinutes,
            GitUrl = string.Empty,
            Branch = string.Empty,
            BuildContext = ".",
            DockerfilePath = "Dockerfile",
        };
    }
}
