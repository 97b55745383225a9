using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using GoForge.Infrastructure.Backups.Storage;

namespace GoForge.Tests.Harness;

/// <summary>The S3 test server checks what a real S3 checks, and serves the multipart calls the backup tests rely on.</summary>
public sealed class S3ServerTests(S3Server server) : IClassFixture<S3Server>
{
    [Fact]
    public async Task Unsigned_requests_and_a_wrong_secret_are_refused()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var unsigned = await http.GetAsync(new Uri(server.Endpoint, $"/{S3Server.Bucket}/"));
        using var client = S3ClientFactory.Create(server.Settings(string.Empty, secret: "not-the-secret"));

        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3Server.Bucket }));
        Assert.Equal("SignatureDoesNotMatch", refused.ErrorCode);
    }

    [Fact]
    public async Task A_pending_multipart_upload_is_listed_until_it_is_aborted()
    {
        using var client = server.Client();
        var key = $"harness/{Guid.NewGuid():N}";
        var upload = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = S3Server.Bucket, Key = key });
        await client.UploadPartAsync(new UploadPartRequest { BucketName = S3Server.Bucket, Key = key, UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[1000]) });

        var pending = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = S3Server.Bucket });
        Assert.Contains(pending.MultipartUploads, u => u.Key == key && u.UploadId == upload.UploadId);

        await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = S3Server.Bucket, Key = key, UploadId = upload.UploadId });
        var after = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = S3Server.Bucket });
        Assert.DoesNotContain(after.MultipartUploads ?? [], u => u.UploadId == upload.UploadId);
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = S3Server.Bucket, Key = key, UploadId = upload.UploadId }));
    }
}
