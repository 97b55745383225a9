using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Crypto;

/// <summary>Secret-key events: key ids, paths and counts only, never a key or a value.</summary>
internal static partial class SecretsLog
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Secret keys loaded from {Source}: current key {KeyId}, {RetiredCount} retired key(s)")]
    public static partial void KeysLoaded(ILogger logger, string source, string keyId, int retiredCount);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Created the secret key file {Path} with new key {KeyId}. Back it up: stored secrets cannot be decrypted without it")]
    public static partial void KeyFileCreated(ILogger logger, string path, string keyId);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Secret key check passed: current key {KeyId}")]
    public static partial void KeyCheckPassed(ILogger logger, string keyId);

    [LoggerMessage(EventId = 1210, Level = LogLevel.Information, Message = "Secret key rotation started: re-encrypting stored secrets under key {KeyId}")]
    public static partial void RotationStarted(ILogger logger, string keyId);

    [LoggerMessage(EventId = 1211, Level = LogLevel.Information, Message = "Secret key rotation: {Count} value(s) re-encrypted so far")]
    public static partial void RotationProgress(ILogger logger, int count);

    [LoggerMessage(EventId = 1212, Level = LogLevel.Information, Message = "Secret key rotation finished: {Count} value(s) re-encrypted under key {KeyId}; retired key(s): {RetiredKeyIds}")]
    public static partial void RotationFinished(ILogger logger, int count, string keyId, string retiredKeyIds);
}
