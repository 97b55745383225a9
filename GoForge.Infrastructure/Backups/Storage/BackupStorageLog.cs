using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Backups.Storage;

/// <summary>Logs of the backup stores (EventIds 7460–7479). No message carries a key or a secret.</summary>
internal static partial class BackupStorageLog
{
    [LoggerMessage(EventId = 7460, Level = LogLevel.Information, Message = "Stored archive {Key} in S3 bucket {Bucket}: {Bytes} bytes in {Parts} part(s)")]
    public static partial void S3ArchiveStored(ILogger logger, string key, string bucket, long bytes, int parts);

    [LoggerMessage(EventId = 7461, Level = LogLevel.Warning, Message = "Writing archive {Key} to S3 bucket {Bucket} failed; multipart upload {UploadId} aborted")]
    public static partial void S3MultipartAborted(ILogger logger, string key, string bucket, string uploadId);

    [LoggerMessage(EventId = 7462, Level = LogLevel.Error, Message = "Aborting multipart upload {UploadId} of archive {Key} in S3 bucket {Bucket} failed; its parts may remain until the bucket's lifecycle removes them: {Reason}")]
    public static partial void S3MultipartAbortFailed(ILogger logger, string key, string bucket, string uploadId, string reason);

    [LoggerMessage(EventId = 7463, Level = LogLevel.Information, Message = "Deleted archive {Key} from S3 bucket {Bucket}")]
    public static partial void S3ArchiveDeleted(ILogger logger, string key, string bucket);
}
