using GoForge.Core.Deployments;

namespace GoForge.Infrastructure.Git;

/// <summary>Keeps credentials out of anything a clone reports: messages, exceptions, logs.</summary>
internal static class GitRedaction
{
    /// <summary>The URL without its user-info part (https://user:token@host/x → https://***@host/x).</summary>
    public static string Url(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return url;
        }

        var authorityStart = scheme + 3;
        var authorityEnd = url.IndexOf('/', authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = url.Length;
        }

        var at = url.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
        return at < 0 ? url : string.Concat(url.AsSpan(0, authorityStart), "***", url.AsSpan(at));
    }

    /// <summary>An engine message with the request's URL user-info, password and private key removed.</summary>
    public static string Message(string message, GitCloneRequest request)
    {
        var redacted = message.Replace(request.RepositoryUrl, Url(request.RepositoryUrl), StringComparison.Ordinal);
        switch (request.Credentials)
        {
            case GitCredentials.UsernamePassword { Password.Length: > 0 } up:
                redacted = redacted.Replace(up.Password, "***", StringComparison.Ordinal);
                break;
            case GitCredentials.SshKey { PrivateKey.Length: > 0 } key:
                // The whole key, then each of its base64 lines, in case a message quotes part of it.
                redacted = redacted.Replace(key.PrivateKey, "***", StringComparison.Ordinal);
                foreach (var line in key.PrivateKey.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (line.Length >= 16 && !line.StartsWith("-----", StringComparison.Ordinal))
                    {
                        redacted = redacted.Replace(line, "***", StringComparison.Ordinal);
                    }
                }

                break;
        }

        return redacted;
    }
}
