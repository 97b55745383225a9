using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Amazon.S3;
using GoForge.Core.Backups;
using GoForge.Infrastructure.Backups.Storage;
using GoForge.Tests.Support;

namespace GoForge.Tests.Harness;

/// <summary>
/// A real S3-compatible server for one test class: s3rver (npm <c>@20minutes/s3rver</c>, pinned in Harness/S3 with its
/// lock file), which checks AWS Signature V4 and serves multipart uploads, started by Harness/S3/server.js on a free
/// loopback port with its storage in a temporary folder. It accepts only <see cref="AccessKeyId"/> with
/// <see cref="SecretAccessKey"/> (a random secret per server) and refuses unsigned requests. Killed and its folder
/// removed on dispose, or when the test host ends. See docs/decisions/backup-storage.md.
/// </summary>
public sealed class S3Server : IAsyncLifetime
{
    public const string Bucket = "goforge-backups";
    public const string AccessKeyId = "goforge-test-key";
    public const string Region = "us-east-1";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly NpmFolder Packages = new(RepositoryFiles.PathOf("GoForge.Tests", "Harness", "S3"), "s3rver");
    private readonly string _root = Directory.CreateTempSubdirectory("goforge-s3-").FullName;
    private ServerProcess? _server;

    public int Port { get; } = HostSystem.FreeTcpPort();

    /// <summary>The secret the server checks signatures with; random per server.</summary>
    public string SecretAccessKey { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));

    public Uri Endpoint => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The folder the server keeps buckets, objects and pending multipart parts in.</summary>
    public string DataFolder => Path.Combine(_root, "data");

    /// <summary>A destination in the test bucket under <paramref name="prefix"/>, path-style, with the right keys unless <paramref name="secret"/> says otherwise.</summary>
    public S3DestinationSettings Settings(string prefix, string? secret = null) =>
        new(Bucket, prefix, Region, Endpoint, PathStyle: true, AccessKeyId, secret ?? SecretAccessKey);

    /// <summary>An SDK client with the server's keys, for tests that look at the bucket itself.</summary>
    public IAmazonS3 Client() => S3ClientFactory.Create(Settings(string.Empty));

    public async Task InitializeAsync()
    {
        await Packages.EnsureAsync(Path.Combine("@20minutes", "s3rver", "package.json"));
        var node = HostSystem.FindOnPath("node") ?? throw new InvalidOperationException("node is not installed: apt-get install -y nodejs npm (deploy/test.sh does).");
        Directory.CreateDirectory(DataFolder);
        var startInfo = new ProcessStartInfo(node) { WorkingDirectory = Packages.Folder };
        // s3rver makes ListObjectsV2's continuation tokens with DES, which Node's OpenSSL 3 keeps in its legacy provider.
        foreach (var argument in (string[])["--openssl-legacy-provider", Path.Combine(Packages.Folder, "server.js"), Port.ToString(CultureInfo.InvariantCulture), DataFolder, Bucket, AccessKeyId])
        {
            startInfo.ArgumentList.Add(argument);
        }

        // In the environment, not on the command line where ps shows it.
        startInfo.Environment["S3_SECRET_ACCESS_KEY"] = SecretAccessKey;

        // 403 (unsigned) once it serves.
        _server = await ServerProcess.StartAsync("s3rver", startInfo, Endpoint, StartTimeout);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
    }
}
