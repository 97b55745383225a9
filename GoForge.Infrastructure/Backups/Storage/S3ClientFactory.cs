using Amazon.Runtime;
using Amazon.S3;
using GoForge.Core.Backups;

namespace GoForge.Infrastructure.Backups.Storage;

/// <summary>
/// An S3 client for one destination: AWS itself when <see cref="S3DestinationSettings.Endpoint"/> is null, otherwise the
/// given S3-compatible endpoint, signed with AWS Signature V4 for the destination's region.
/// </summary>
public static class S3ClientFactory
{
    /// <summary>The longest a single request (one part of at most <see cref="S3BackupStore.PartSize"/> bytes) may take.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromMinutes(5);

    public static IAmazonS3 Create(S3DestinationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var config = new AmazonS3Config
        {
            ForcePathStyle = settings.PathStyle,
            Timeout = RequestTimeout,
            MaxErrorRetry = 3,

            // Trailing CRC checksums (the SDK's default since 2025) are not served by most S3-compatible servers; the
            // payload is covered by the SigV4 signature, and the encrypting store authenticates every chunk.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (settings.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = settings.Region;
            config.UseHttp = endpoint.Scheme == Uri.UriSchemeHttp;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(settings.Region);
        }

        return new AmazonS3Client(new BasicAWSCredentials(settings.AccessKeyId, settings.SecretAccessKey), config);
    }
}
