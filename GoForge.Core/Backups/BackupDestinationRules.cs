using System.Text.RegularExpressions;
using GoForge.Core.Common;

namespace GoForge.Core.Backups;

/// <summary>
/// What a destination may be, checked once here for the UI, the API and the stores alike: a local folder is an absolute
/// path without "..", control characters or the root itself; S3 names follow the service's own rules (bucket names as
/// AWS defines them, a prefix of plain segments, an http(s) endpoint without credentials).
/// </summary>
public static partial class BackupDestinationRules
{
    public const int MaxNameLength = 100;
    public const int MaxFolderLength = 1024;

    public static Result<BackupDestination> Validate(BackupDestinationInput input, Guid id, DateTimeOffset createdAt, DateTimeOffset now, bool hasStoredSecret)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var name = input.Name?.Trim() ?? string.Empty;
        if (name.Length == 0 || name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            errors.Add(nameof(input.Name), $"Name the destination (1 to {MaxNameLength} characters, no control characters).");
        }

        string? folder = null;
        string? bucket = null, prefix = null, region = null, accessKeyId = null;
        Uri? endpoint = null;
        switch (input.Kind)
        {
            case BackupDestinationKind.Local:
                folder = CheckFolder(input.LocalFolder, errors);
                break;
            case BackupDestinationKind.S3:
                bucket = CheckBucket(input.S3Bucket, errors);
                prefix = CheckPrefix(input.S3Prefix, errors);
                region = CheckRegion(input.S3Region, errors);
                endpoint = CheckEndpoint(input.S3Endpoint, errors);
                accessKeyId = CheckAccessKeyId(input.S3AccessKeyId, errors);
                CheckSecret(input.S3SecretAccessKey, hasStoredSecret, errors);
                break;
            default:
                errors.Add(nameof(input.Kind), "Choose a local folder or S3-compatible storage.");
                break;
        }

        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        return new BackupDestination
        {
            Id = id,
            Name = name,
            Kind = input.Kind,
            LocalFolder = folder,
            S3Bucket = bucket,
            S3Prefix = prefix,
            S3Region = region,
            S3Endpoint = endpoint,
            S3PathStyle = input.Kind == BackupDestinationKind.S3 && input.S3PathStyle,
            S3AccessKeyId = accessKeyId,
            EncryptsArchives = input.EncryptArchives,
            CreatedAt = createdAt,
            UpdatedAt = now,
        };
    }

    /// <summary>An absolute folder, normalized (no trailing separator); null with an error otherwise.</summary>
    public static string? CheckFolder(string? folder, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        const string field = nameof(BackupDestinationInput.LocalFolder);
        if (string.IsNullOrWhiteSpace(folder))
        {
            errors.Add(field, "Name the folder (an absolute path on the panel's server).");
            return null;
        }

        if (folder.Length > MaxFolderLength || folder.Any(char.IsControl))
        {
            errors.Add(field, "That is not a usable folder path (too long, or control characters).");
            return null;
        }

        if (!folder.StartsWith('/') || !Path.IsPathFullyQualified(folder))
        {
            errors.Add(field, "Give an absolute path, starting with '/'.");
            return null;
        }

        var segments = folder.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(s => s is ".." or "."))
        {
            errors.Add(field, "The path may not contain '.' or '..' segments.");
            return null;
        }

        if (segments.Length == 0)
        {
            errors.Add(field, "The root folder cannot hold backups; name a folder of its own.");
            return null;
        }

        return "/" + string.Join('/', segments);
    }

    private static string? CheckBucket(string? bucket, FieldErrors errors)
    {
        var value = bucket?.Trim() ?? string.Empty;
        if (!BucketName().IsMatch(value) || value.Contains("..", StringComparison.Ordinal) || IPv4Like().IsMatch(value))
        {
            errors.Add(nameof(BackupDestinationInput.S3Bucket), "A bucket name has 3 to 63 lower-case letters, digits, dots or hyphens, starting and ending with a letter or digit.");
            return null;
        }

        return value;
    }

    private static string? CheckPrefix(string? prefix, FieldErrors errors)
    {
        var value = (prefix ?? string.Empty).Trim().Trim('/');
        if (value.Length == 0)
        {
            return string.Empty;
        }

        var segments = value.Split('/');
        if (value.Length > 512 || segments.Any(s => s.Length == 0 || s is "." or ".." || !PrefixSegment().IsMatch(s)))
        {
            errors.Add(nameof(BackupDestinationInput.S3Prefix), "A prefix is segments of letters, digits, '.', '_' and '-', separated by '/' (no '..', up to 512 characters).");
            return null;
        }

        return value;
    }

    private static string? CheckRegion(string? region, FieldErrors errors)
    {
        var value = region?.Trim() ?? string.Empty;
        if (!RegionName().IsMatch(value))
        {
            errors.Add(nameof(BackupDestinationInput.S3Region), "Name the region (such as eu-central-1; 'us-east-1' for most S3-compatible servers).");
            return null;
        }

        return value;
    }

    private static Uri? CheckEndpoint(string? endpoint, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return null;
        }

        if (endpoint.Length > 512
            || !Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(uri.UserInfo)
            || !string.IsNullOrEmpty(uri.Query)
            || !string.IsNullOrEmpty(uri.Fragment)
            || uri.AbsolutePath != "/")
        {
            errors.Add(nameof(BackupDestinationInput.S3Endpoint), "The endpoint is an http or https address with no path, user or query (such as https://s3.example.com:9000); leave it empty for AWS.");
            return null;
        }

        return uri;
    }

    private static string? CheckAccessKeyId(string? id, FieldErrors errors)
    {
        var value = id?.Trim() ?? string.Empty;
        if (value.Length is 0 or > 256 || value.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            errors.Add(nameof(BackupDestinationInput.S3AccessKeyId), "Give the access key id (up to 256 characters, no spaces).");
            return null;
        }

        return value;
    }

    private static void CheckSecret(string? secret, bool hasStoredSecret, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(secret))
        {
            if (!hasStoredSecret)
            {
                errors.Add(nameof(BackupDestinationInput.S3SecretAccessKey), "Give the secret access key.");
            }

            return;
        }

        if (secret.Length > 256 || secret.Any(char.IsControl))
        {
            errors.Add(nameof(BackupDestinationInput.S3SecretAccessKey), "That is not a usable secret key (up to 256 characters, no control characters).");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex BucketName();

    [GeneratedRegex(@"^\d+\.\d+\.\d+\.\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex IPv4Like();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixSegment();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionName();
}
