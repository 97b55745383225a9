using System.Text;
using GoForge.Core.Backups;

namespace GoForge.Infrastructure.Backups.Storage;

/// <summary>
/// The shape of archive keys and destination prefixes: relative, '/'-separated, no empty, "." or ".." segment, no
/// backslash or control character, and short enough for any store (S3 allows 1,024 bytes for a whole object key).
/// A key that breaks a rule is refused with a <see cref="BackupStoreException"/> before any request is made.
/// </summary>
public static class BackupKeys
{
    /// <summary>The longest key or prefix, in UTF-8 bytes; a prefix and a key together stay under S3's 1,024.</summary>
    public const int MaxBytes = 500;

    /// <summary>Checks an archive key (no trailing '/').</summary>
    public static string CheckKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Check(key, "archive key", allowEmpty: false, allowTrailingSlash: false);
    }

    /// <summary>Checks a listing prefix: empty (everything) or segments, optionally ending with '/'.</summary>
    public static string CheckListPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return Check(prefix, "key prefix", allowEmpty: true, allowTrailingSlash: true);
    }

    /// <summary>A destination's prefix as the start of every object key: "" or "a/b/" (a missing trailing '/' is added).</summary>
    public static string NormalizeDestinationPrefix(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return string.Empty;
        }

        Check(prefix, "destination prefix", allowEmpty: false, allowTrailingSlash: true);
        return prefix.EndsWith('/') ? prefix : prefix + "/";
    }

    private static string Check(string value, string what, bool allowEmpty, bool allowTrailingSlash)
    {
        if (value.Length == 0)
        {
            return allowEmpty ? value : throw Refused(what, "it is empty");
        }

        if (Encoding.UTF8.GetByteCount(value) > MaxBytes)
        {
            throw Refused(what, $"it is longer than {MaxBytes} bytes");
        }

        if (value.Any(char.IsControl))
        {
            throw Refused(what, "it contains a control character");
        }

        if (value.Contains('\\', StringComparison.Ordinal))
        {
            throw Refused(what, "it contains a backslash");
        }

        if (value.StartsWith('/'))
        {
            throw Refused(what, "it starts with '/'");
        }

        var body = allowTrailingSlash && value.EndsWith('/') ? value[..^1] : value;
        foreach (var segment in body.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                throw Refused(what, "it has an empty, '.' or '..' segment");
            }
        }

        return value;
    }

    // The value itself is not echoed: it may be long or hold control characters.
    private static BackupStoreException Refused(string what, string why) => new($"The {what} is not valid: {why}.");
}
