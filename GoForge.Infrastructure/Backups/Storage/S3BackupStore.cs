using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using GoForge.Core.Backups;
using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Backups.Storage;

/// <summary>
/// A bucket of S3-compatible object storage (AWSSDK.S3, SigV4). Archives are streamed: a write reads its source into a
/// part buffer of <see cref="PartSize"/> bytes and uploads it as a multipart upload while the next part is read (so
/// at most two parts are held), and aborts the upload when anything fails, so nothing is left half-written. Object keys
/// are the destination's prefix plus the archive key, both checked by <see cref="BackupKeys"/>. Errors surface as
/// <see cref="BackupStoreException"/> naming the bucket and the problem, never the secret key.
/// </summary>
public sealed class S3BackupStore : IBackupStore, IDisposable
{
    /// <summary>Bytes per uploaded part (S3 wants at least 5 MiB for all but the last); 10,000 parts make the largest archive 80 GiB.</summary>
    public const int PartSize = 8 * 1024 * 1024;

    /// <summary>S3's limit on the parts of one upload.</summary>
    public const int MaxParts = 10_000;

    private static readonly TimeSpan AbortTimeout = TimeSpan.FromSeconds(30);

    private readonly S3DestinationSettings _settings;
    private readonly IAmazonS3 _client;
    private readonly ILogger<S3BackupStore> _logger;
    private readonly string _prefix;

    /// <summary>Opens the destination; its prefix is checked here, and no request is made until an operation.</summary>
    public S3BackupStore(S3DestinationSettings settings, ILogger<S3BackupStore> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(logger);
        if (string.IsNullOrWhiteSpace(settings.Bucket))
        {
            throw new BackupStoreException("The S3 destination has no bucket.");
        }

        _settings = settings;
        _prefix = BackupKeys.NormalizeDestinationPrefix(settings.Prefix);
        _logger = logger;
        _client = S3ClientFactory.Create(settings);
    }

    /// <summary>Keys per listing request (S3's maximum, 1,000, unless a test wants more pages).</summary>
    internal int ListPageSize { get; init; } = 1000;

    private string Bucket => _settings.Bucket;

    public async Task<long> WriteAsync(string key, Stream content, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var objectKey = ObjectKey(BackupKeys.CheckKey(key));
        var current = GC.AllocateUninitializedArray<byte>(PartSize);
        var filled = await ReadOnlyStream.FillAsync(content, current, ct);
        if (filled < PartSize)
        {
            // The whole archive fits in one part: a single PUT, which is all-or-nothing.
            await Call("store", key, () => _client.PutObjectAsync(
                new PutObjectRequest { BucketName = Bucket, Key = objectKey, InputStream = new MemoryStream(current, 0, filled, writable: false), AutoCloseStream = true },
                ct));
            BackupStorageLog.S3ArchiveStored(_logger, key, Bucket, filled, 1);
            return filled;
        }

        var upload = await Call("start a multipart upload of", key, () => _client.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = Bucket, Key = objectKey }, ct));
        Task<PartETag>? inFlight = null;
        try
        {
            var parts = new List<PartETag>();
            var next = GC.AllocateUninitializedArray<byte>(PartSize);
            long total = 0;
            while (filled > 0)
            {
                if (parts.Count == MaxParts)
                {
                    throw new BackupStoreException($"The archive is larger than S3's limit for this store ({MaxParts} parts of {PartSize / (1024 * 1024)} MiB).");
                }

                inFlight = UploadPartAsync(key, objectKey, upload.UploadId, parts.Count + 1, current, filled, ct);
                var nextFilled = await ReadOnlyStream.FillAsync(content, next, ct);
                parts.Add(await inFlight);
                inFlight = null;
                total += filled;
                (current, next) = (next, current);
                filled = nextFilled;
            }

            await Call("complete the multipart upload of", key, () => _client.CompleteMultipartUploadAsync(
                new CompleteMultipartUploadRequest { BucketName = Bucket, Key = objectKey, UploadId = upload.UploadId, PartETags = parts },
                ct));
            BackupStorageLog.S3ArchiveStored(_logger, key, Bucket, total, parts.Count);
            return total;
        }
        catch
        {
            await AbortAsync(key, objectKey, upload.UploadId, inFlight);
            throw;
        }
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken ct = default)
    {
        var objectKey = ObjectKey(BackupKeys.CheckKey(key));
        try
        {
            var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = objectKey }, ct);
            return new ResponseStream(response);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            throw new FileNotFoundException($"The archive {key} is not in S3 bucket {Bucket}.", key, e);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException)
        {
            throw Failure("read", key, e);
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct = default)
    {
        var objectKey = ObjectKey(BackupKeys.CheckKey(key));
        try
        {
            await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = objectKey }, ct);
            BackupStorageLog.S3ArchiveDeleted(_logger, key, Bucket);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            // Already gone.
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException)
        {
            throw Failure("delete", key, e);
        }
    }

    public async Task<IReadOnlyList<StoredArchive>> ListAsync(string keyPrefix, CancellationToken ct = default)
    {
        var listPrefix = _prefix + BackupKeys.CheckListPrefix(keyPrefix);
        var archives = new List<StoredArchive>();
        string? continuation = null;
        do
        {
            var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = listPrefix, ContinuationToken = continuation, MaxKeys = ListPageSize };
            var page = await Call("list", keyPrefix, () => _client.ListObjectsV2Async(request, ct));
            foreach (var item in page.S3Objects ?? [])
            {
                if (item.Key.StartsWith(_prefix, StringComparison.Ordinal) && item.Key.Length > _prefix.Length && !item.Key.EndsWith('/'))
                {
                    var modified = item.LastModified is { } m ? new DateTimeOffset(m.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.MinValue;
                    archives.Add(new StoredArchive(item.Key[_prefix.Length..], item.Size ?? 0, modified));
                }
            }

            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (continuation is not null);

        return archives;
    }

    /// <summary>
    /// Aborts the unfinished multipart uploads of the run's archive (listed by its key's stem, so never another run's or
    /// another tool's). A server without ListMultipartUploads fails this with its answer; a bucket lifecycle rule
    /// (AbortIncompleteMultipartUpload) is the backstop, as docs/decisions/backup-storage.md says.
    /// </summary>
    public async Task<int> RemovePartialWritesAsync(string keyStem, CancellationToken ct = default)
    {
        var prefix = ObjectKey(BackupKeys.CheckKey(keyStem));
        var aborted = 0;
        string? keyMarker = null;
        string? uploadMarker = null;
        do
        {
            var request = new ListMultipartUploadsRequest { BucketName = Bucket, Prefix = prefix, KeyMarker = keyMarker, UploadIdMarker = uploadMarker };
            var page = await Call("list the unfinished uploads of", keyStem, () => _client.ListMultipartUploadsAsync(request, ct));
            foreach (var upload in page.MultipartUploads ?? [])
            {
                await Call("abort an unfinished upload of", keyStem, () => _client.AbortMultipartUploadAsync(
                    new AbortMultipartUploadRequest { BucketName = Bucket, Key = upload.Key, UploadId = upload.UploadId }, ct));
                BackupStorageLog.S3MultipartAborted(_logger, upload.Key[_prefix.Length..], Bucket, upload.UploadId);
                aborted++;
            }

            (keyMarker, uploadMarker) = page.IsTruncated == true ? (page.NextKeyMarker, page.NextUploadIdMarker) : (null, null);
        }
        while (keyMarker is not null);

        return aborted;
    }

    public void Dispose() => _client.Dispose();

    private string ObjectKey(string key) => _prefix + key;

    private async Task<PartETag> UploadPartAsync(string key, string objectKey, string uploadId, int partNumber, byte[] buffer, int length, CancellationToken ct)
    {
        var response = await Call("upload a part of", key, () => _client.UploadPartAsync(
            new UploadPartRequest
            {
                BucketName = Bucket,
                Key = objectKey,
                UploadId = uploadId,
                PartNumber = partNumber,
                PartSize = length,
                InputStream = new MemoryStream(buffer, 0, length, writable: false),
            },
            ct));
        return new PartETag(partNumber, response.ETag);
    }

    /// <summary>Waits for a part still uploading (so it cannot land after the abort), then aborts the upload; never throws.</summary>
    private async Task AbortAsync(string key, string objectKey, string uploadId, Task? inFlight)
    {
        if (inFlight is not null)
        {
            try
            {
                await inFlight;
            }
            catch (Exception)
            {
                // The write has failed already; this part's own failure changes nothing.
            }
        }

        using var timeout = new CancellationTokenSource(AbortTimeout);
        try
        {
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Bucket, Key = objectKey, UploadId = uploadId }, timeout.Token);
            BackupStorageLog.S3MultipartAborted(_logger, key, Bucket, uploadId);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or OperationCanceledException)
        {
            BackupStorageLog.S3MultipartAbortFailed(_logger, key, Bucket, uploadId, Describe(e));
        }
    }

    private async Task<T> Call<T>(string operation, string key, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException)
        {
            throw Failure(operation, key, e);
        }
    }

    private BackupStoreException Failure(string operation, string key, Exception e)
    {
        var where = _settings.Endpoint is { } endpoint ? $"S3 bucket {Bucket} at {endpoint.GetLeftPart(UriPartial.Authority)}" : $"S3 bucket {Bucket} ({_settings.Region})";
        return new BackupStoreException($"Could not {operation} {(key.Length == 0 ? "the archives" : $"archive {key}")} in {where}: {Describe(e)}", e);
    }

    /// <summary>What went wrong, in words; the secret key is never part of it (and is masked should a server echo it).</summary>
    private string Describe(Exception e)
    {
        var text = e switch
        {
            AmazonS3Exception { ErrorCode: "SignatureDoesNotMatch" } => "the secret access key was refused (the request signature does not match).",
            AmazonS3Exception { ErrorCode: "InvalidAccessKeyId" } => "the access key ID is unknown to the server.",
            AmazonS3Exception { ErrorCode: "AccessDenied" } => "access denied: the keys lack permission for this bucket or operation.",
            AmazonS3Exception { ErrorCode: "NoSuchBucket" } => "the bucket does not exist.",
            AmazonS3Exception s3 => $"the server answered {(int)s3.StatusCode} {s3.ErrorCode}: {s3.Message}",
            AmazonServiceException service => $"the server answered {(int)service.StatusCode}: {service.Message}",
            OperationCanceledException => "timed out.",
            _ => $"the server could not be reached: {e.Message}",
        };
        return string.IsNullOrEmpty(_settings.SecretAccessKey) ? text : text.Replace(_settings.SecretAccessKey, "***", StringComparison.Ordinal);
    }

    /// <summary>The object's body, releasing the response (and its connection) when disposed.</summary>
    private sealed class ResponseStream(GetObjectResponse response) : ReadOnlyStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            response.ResponseStream.ReadAsync(buffer, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
