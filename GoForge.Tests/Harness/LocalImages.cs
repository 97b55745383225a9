using System.Formats.Tar;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Tests.Support;

namespace GoForge.Tests.Harness;

/// <summary>
/// The images of the production stack, built locally because no registry is reachable: a Debian trixie base made by
/// debootstrap from apt's own mirror, and on it PostgreSQL 17, MariaDB, Redis, Caddy, a .NET SDK (this machine's) and GoForge's panel
/// (deploy/Dockerfile, for real). Built on an engine with bridge networking that reaches Debian's mirror and NuGet
/// (the shared <see cref="DockerFixture"/> engine); copy them elsewhere with <see cref="NetworkedDockerDaemon.LoadImageAsync"/>.
/// </summary>
/// <remarks>
/// Each image carries a label with a hash of its inputs (Dockerfile and context files, base image, SDK version, mirror)
/// and is built only when the engine lacks it or the label differs, so a second run on one machine only inspects.
/// The debootstrap root file system is also kept as a tar in <see cref="CacheDirectory"/> between runs (and engines).
/// The test images' Dockerfiles are in GoForge.Tests/Production/Images/&lt;name&gt;/. One build at a time per test host.
/// </remarks>
public static class LocalImages
{
    public const string DebianTag = "goforge-test/debian:trixie";
    public const string PostgresTag = "goforge-test/postgres:17";
    public const string CaddyTag = "goforge-test/caddy:2";
    public const string MariaDbTag = "goforge-test/mariadb:11";
    public const string RedisTag = "goforge-test/redis:8";
    public const string SdkTag = "goforge-test/dotnet-sdk:10";
    public const string PanelTag = "goforge-test/panel:ci";

    /// <summary>Where the debootstrap root file system is kept between runs.</summary>
    public const string CacheDirectory = "/var/cache/goforge-tests";

    /// <summary>The label holding the hash of an image's inputs.</summary>
    public const string InputsLabel = "goforge-test.inputs";

    private const string Suite = "trixie";
    private const string DotnetRoot = "/usr/share/dotnet";
    private static readonly TimeSpan AptTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan DebootstrapTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan TarTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(20);
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>
    /// "goforge-test/debian:trixie": <c>debootstrap --variant=minbase trixie</c> from the mirror apt uses on this
    /// machine, imported. Installs debootstrap with apt if missing.
    /// </summary>
    public static async Task<string> DebianAsync(DockerClient engine, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(engine);
        await Gate.WaitAsync(ct);
        try
        {
            return await DebianLockedAsync(engine, ct);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// "goforge-test/postgres:17": PostgreSQL 17 from trixie with the official image's environment interface
    /// (POSTGRES_PASSWORD, POSTGRES_USER, POSTGRES_DB), data in the volume /var/lib/postgresql/data, pg_isready on the
    /// PATH, every address with scram passwords, running as postgres.
    /// </summary>
    public static Task<string> PostgresAsync(DockerClient engine, CancellationToken ct) => OnDebianAsync(engine, "postgres", PostgresTag, ct);

    /// <summary>
    /// "goforge-test/mariadb:11": trixie's MariaDB with the official image's environment interface
    /// (MARIADB_ROOT_PASSWORD for root at localhost and %, MARIADB_DATABASE, MARIADB_USER and MARIADB_PASSWORD with every
    /// right on it), data in the volume /var/lib/mysql, healthcheck.sh on the PATH, running as mysql.
    /// </summary>
    public static Task<string> MariaDbAsync(DockerClient engine, CancellationToken ct) => OnDebianAsync(engine, "mariadb", MariaDbTag, ct);

    /// <summary>
    /// "goforge-test/redis:8": trixie's Redis (and redis-cli) as the official image runs it: the server's options are
    /// the command (<c>redis-server --requirepass … --appendonly yes</c>), data in the volume /data, running as redis.
    /// </summary>
    public static Task<string> RedisAsync(DockerClient engine, CancellationToken ct) => OnDebianAsync(engine, "redis", RedisTag, ct);

    /// <summary>"goforge-test/caddy:2": trixie's Caddy, <c>caddy run --config /etc/caddy/caddy.json --resume</c>, state in /data and /config.</summary>
    public static Task<string> CaddyAsync(DockerClient engine, CancellationToken ct) => OnDebianAsync(engine, "caddy", CaddyTag, ct);

    /// <summary>
    /// "goforge-test/panel:ci": deploy/Dockerfile built for real from the repository, with SDK_IMAGE a Debian image
    /// holding this machine's .NET SDK and BASE_IMAGE the Debian base.
    /// </summary>
    public static async Task<string> PanelAsync(DockerClient engine, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(engine);
        await Gate.WaitAsync(ct);
        try
        {
            var debian = await DebianLockedAsync(engine, ct);
            var sdk = await SdkLockedAsync(engine, debian, ct);
            var inputs = await HashAsync(
                [(await engine.Images.InspectImageAsync(debian, ct)).ID, (await engine.Images.InspectImageAsync(sdk, ct)).ID],
                PanelInputs(),
                RepositoryFiles.Root,
                ct);
            if (!await HasInputsAsync(engine, PanelTag, inputs, ct))
            {
                await BuildPanelAsync(engine, PanelTag, target: null, inputs, ct);
            }

            return PanelTag;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// Builds deploy/Dockerfile with the docker CLI (not the Engine API): the CLI applies /.dockerignore to the context,
    /// exactly as <c>docker compose build</c> does, and that is part of what is built and tested here.
    /// </summary>
    /// <param name="target">A stage to stop at (<c>build</c>), or null for the whole image.</param>
    internal static async Task BuildPanelAsync(DockerClient engine, string tag, string? target, string inputs, CancellationToken ct)
    {
        var docker = HostSystem.FindOnPath("docker")
            ?? throw new InvalidOperationException("The docker CLI is not on the PATH: it builds deploy/Dockerfile as docker compose would.");
        List<string> arguments =
        [
            "--host", engine.Options.Endpoint.ToString(),
            "build",
            "--file", Path.Combine(RepositoryFiles.Root, "deploy", "Dockerfile"),
            "--tag", tag,
            "--label", $"{InputsLabel}={inputs}",
            "--build-arg", $"SDK_IMAGE={SdkTag}",
            "--build-arg", $"BASE_IMAGE={DebianTag}",
        ];
        if (target is not null)
        {
            arguments.AddRange(["--target", target]);
        }

        arguments.Add(RepositoryFiles.Root);
        (await ProcessRunner.RunAsync(docker, arguments, BuildTimeout, ct: ct)).EnsureSuccess();
    }

    /// <summary>What deploy/Dockerfile reads from the repository: the hash of these decides whether the panel is built again.</summary>
    private static IEnumerable<string> PanelInputs()
    {
        string[] files = ["deploy/Dockerfile", ".dockerignore", "global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig", "GoForge.sln"];
        var sources = new[] { "GoForge.Core", "GoForge.Infrastructure", "GoForge.Web" }
            .SelectMany(project => Directory.EnumerateFiles(Path.Combine(RepositoryFiles.Root, project), "*", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(RepositoryFiles.Root, path))
            .Where(path => !path.Split('/').Any(part => part is "bin" or "obj"));
        return files.Concat(sources);
    }

    private static async Task<string> OnDebianAsync(DockerClient engine, string name, string tag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(engine);
        await Gate.WaitAsync(ct);
        try
        {
            var debian = await DebianLockedAsync(engine, ct);
            var folder = ImageFolder(name);
            var files = Directory.EnumerateFiles(folder).Select(Path.GetFileName).OfType<string>();
            var inputs = await HashAsync([(await engine.Images.InspectImageAsync(debian, ct)).ID], files, folder, ct);
            if (!await HasInputsAsync(engine, tag, inputs, ct))
            {
                await BuildAsync(engine, tag, inputs, new Dictionary<string, string>(), async (tar, token) =>
                {
                    foreach (var file in Directory.EnumerateFiles(folder))
                    {
                        await tar.WriteEntryAsync(file, Path.GetFileName(file), token);
                    }
                }, ct);
            }

            return tag;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The Debian base with this machine's /usr/share/dotnet (624 MB, streamed as the build context).</summary>
    private static async Task<string> SdkLockedAsync(DockerClient engine, string debian, CancellationToken ct)
    {
        var folder = ImageFolder("sdk");
        // The SDK's identity: the versions installed (folder names), not 600 MB of content.
        var versions = new[] { "sdk", "shared/Microsoft.NETCore.App", "shared/Microsoft.AspNetCore.App" }
            .Select(path => Path.Combine(DotnetRoot, path))
            .Where(Directory.Exists)
            .SelectMany(Directory.EnumerateDirectories)
            .Order(StringComparer.Ordinal);
        var trusted = HostCaBundle();
        var revocation = Environment.GetEnvironmentVariable("NUGET_CERT_REVOCATION_MODE") is { Length: > 0 } mode ? mode : "online";
        var inputs = await HashAsync(
            [(await engine.Images.InspectImageAsync(debian, ct)).ID, revocation, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(trusted))), .. versions],
            ["Dockerfile"],
            folder,
            ct);
        if (await HasInputsAsync(engine, SdkTag, inputs, ct))
        {
            return SdkTag;
        }

        if (!File.Exists(Path.Combine(DotnetRoot, "dotnet")))
        {
            throw new InvalidOperationException($"{DotnetRoot}/dotnet is missing: the SDK image is made from this machine's .NET SDK.");
        }

        await BuildAsync(engine, SdkTag, inputs, new Dictionary<string, string> { ["NUGET_CERT_REVOCATION_MODE"] = revocation }, async (tar, token) =>
        {
            await tar.WriteEntryAsync(Path.Combine(folder, "Dockerfile"), "Dockerfile", token);
            await tar.WriteEntryAsync(trusted, "host-ca-certificates.crt", token);
            await tar.WriteEntryAsync(DotnetRoot, "dotnet", token);
            foreach (var path in Directory.EnumerateFileSystemEntries(DotnetRoot, "*", SearchOption.AllDirectories))
            {
                await tar.WriteEntryAsync(path, "dotnet/" + Path.GetRelativePath(DotnetRoot, path), token);
            }
        }, ct);
        return SdkTag;
    }

    private static async Task<string> DebianLockedAsync(DockerClient engine, CancellationToken ct)
    {
        var mirror = AptMirror();
        var inputs = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"debootstrap --variant=minbase {Suite} {mirror} v2")))[..16];
        if (await HasInputsAsync(engine, DebianTag, inputs, ct))
        {
            return DebianTag;
        }

        var rootfs = await CachedRootFileSystemAsync(mirror, inputs, ct);
        await using var tar = File.OpenRead(rootfs);
        var log = new DockerBuildLog();
        var parameters = new ImagesCreateParameters
        {
            FromSrc = "-",
            Repo = DebianTag.Split(':')[0],
            Tag = DebianTag.Split(':')[1],
            Changes =
            [
                $"LABEL {InputsLabel}={inputs}",
                "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "ENV LANG=C.UTF-8",
                "ENV DEBIAN_FRONTEND=noninteractive",
                "CMD [\"bash\"]",
            ],
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(BuildTimeout);
        await engine.Images.CreateImageAsync(parameters, tar, null, log, timeout.Token);
        if (log.Error is not null || !await HasInputsAsync(engine, DebianTag, inputs, ct))
        {
            throw new InvalidOperationException($"Importing {rootfs} as {DebianTag} failed: {log.Error ?? "the image is missing afterwards"}\n{log}");
        }

        return DebianTag;
    }

    /// <summary>The debootstrap root file system as a tar in <see cref="CacheDirectory"/>, made once per machine (about 30 s).</summary>
    private static async Task<string> CachedRootFileSystemAsync(string mirror, string inputs, CancellationToken ct)
    {
        var cached = Path.Combine(CacheDirectory, $"debian-{Suite}-minbase-{inputs}.tar");
        if (File.Exists(cached))
        {
            return cached;
        }

        if (!HostSystem.IsRoot)
        {
            throw new InvalidOperationException("debootstrap needs root: run the tests as root.");
        }

        if (HostSystem.FindOnPath("debootstrap") is null)
        {
            (await ProcessRunner.RunAsync("apt-get", ["update"], AptTimeout, ct: ct)).EnsureSuccess();
            (await ProcessRunner.RunAsync("apt-get", ["install", "-y", "--no-install-recommends", "debootstrap"], AptTimeout, ct: ct)).EnsureSuccess();
        }

        Directory.CreateDirectory(CacheDirectory);
        var work = Path.Combine(CacheDirectory, $"rootfs-{Guid.NewGuid():N}");
        var partial = cached + $".{Guid.NewGuid():N}.partial";
        try
        {
            (await ProcessRunner.RunAsync("debootstrap", ["--variant=minbase", Suite, work, mirror], DebootstrapTimeout, ct: ct)).EnsureSuccess();
            await SlimAsync(work, ct);

            (await ProcessRunner.RunAsync("tar", ["--numeric-owner", "-C", work, "-cf", partial, "."], TarTimeout, ct: ct)).EnsureSuccess();
            File.Move(partial, cached, overwrite: true);
            return cached;
        }
        finally
        {
            // debootstrap may leave /proc or /sys mounted in the tree on failure: never cross into them.
            await ProcessRunner.RunAsync("umount", ["-R", "-l", Path.Combine(work, "proc")], TarTimeout, ct: CancellationToken.None);
            await ProcessRunner.RunAsync("umount", ["-R", "-l", Path.Combine(work, "sys")], TarTimeout, ct: CancellationToken.None);
            await ProcessRunner.RunAsync("rm", ["-rf", "--one-file-system", work], TarTimeout, ct: CancellationToken.None);
            File.Delete(partial);
        }
    }

    /// <summary>
    /// What the official Debian images do to stay small, as every test image installs with apt on top: no downloaded
    /// packages, package lists or apt caches kept (here, and after every later apt run), no recommends, no translations,
    /// no documentation, manuals or message catalogues installed.
    /// </summary>
    private static async Task SlimAsync(string root, CancellationToken ct)
    {
        foreach (var leftover in new[] { "var/cache/apt/archives", "var/lib/apt/lists", "var/cache/apt" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder))))
        {
            File.Delete(leftover);
        }

        await File.WriteAllTextAsync(Path.Combine(root, "etc/apt/apt.conf.d/docker-clean"), """
            DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
            APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
            Dir::Cache::pkgcache "";
            Dir::Cache::srcpkgcache "";
            APT::Install-Recommends "false";
            Acquire::Languages "none";
            """ + "\n", ct);
        await File.WriteAllTextAsync(Path.Combine(root, "etc/dpkg/dpkg.cfg.d/docker-slim"), """
            path-exclude /usr/share/doc/*
            path-include /usr/share/doc/*/copyright
            path-exclude /usr/share/man/*
            path-exclude /usr/share/info/*
            path-exclude /usr/share/locale/*
            """ + "\n", ct);
    }

    /// <summary>The Debian mirror of apt's sources on this machine (deb822 or one-line format), else deb.debian.org.</summary>
    internal static string AptMirror()
    {
        var sources = new[] { "/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list" }
            .Concat(Directory.Exists("/etc/apt/sources.list.d") ? Directory.EnumerateFiles("/etc/apt/sources.list.d") : [])
            .Where(File.Exists)
            .SelectMany(File.ReadLines)
            .Select(line => line.Trim())
            .Where(line => !line.StartsWith('#'));
        foreach (var line in sources)
        {
            var uri = line.StartsWith("URIs:", StringComparison.Ordinal)
                ? line["URIs:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
                : line.StartsWith("deb ", StringComparison.Ordinal)
                    ? line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).FirstOrDefault(part => !part.StartsWith('['))
                    : null;
            if (uri is not null && uri.TrimEnd('/').EndsWith("/debian", StringComparison.Ordinal))
            {
                return uri;
            }
        }

        return "http://deb.debian.org/debian";
    }

    /// <summary>The CA bundle this machine trusts: <c>SSL_CERT_FILE</c> if set, else Debian's bundle.</summary>
    private static string HostCaBundle()
    {
        var bundle = Environment.GetEnvironmentVariable("SSL_CERT_FILE") is { Length: > 0 } file ? file : "/etc/ssl/certs/ca-certificates.crt";
        return File.Exists(bundle)
            ? bundle
            : throw new InvalidOperationException($"{bundle} is missing: apt-get install -y ca-certificates (the SDK image trusts what this machine trusts).");
    }

    private static string ImageFolder(string name) => Path.Combine(RepositoryFiles.Root, "GoForge.Tests", "Production", "Images", name);

    /// <summary>A short hash of some facts and of files (names and contents, relative to <paramref name="root"/>).</summary>
    private static async Task<string> HashAsync(IEnumerable<string> facts, IEnumerable<string> files, string root, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var fact in facts)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(fact + "\n"));
        }

        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file + "\n"));
            hash.AppendData(await File.ReadAllBytesAsync(Path.Combine(root, file), ct));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private static async Task<bool> HasInputsAsync(DockerClient engine, string tag, string inputs, CancellationToken ct)
    {
        try
        {
            var image = await engine.Images.InspectImageAsync(tag, ct);
            return image.Config?.Labels?.TryGetValue(InputsLabel, out var found) == true && found == inputs;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// Builds through the Engine API from a tar context written by <paramref name="writeContext"/> into a pipe while
    /// the engine reads it, so a large context (the SDK) is never held in memory or on disk.
    /// </summary>
    private static async Task BuildAsync(
        DockerClient engine,
        string tag,
        string inputs,
        Dictionary<string, string> buildArgs,
        Func<TarWriter, CancellationToken, Task> writeContext,
        CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(BuildTimeout);
        var pipe = new Pipe();
        var writing = Task.Run(async () =>
        {
            try
            {
                await using (var tar = new TarWriter(pipe.Writer.AsStream(), TarEntryFormat.Pax, leaveOpen: false))
                {
                    await writeContext(tar, timeout.Token);
                }
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e);
                throw;
            }
        }, timeout.Token);

        var log = new DockerBuildLog();
        var parameters = new ImageBuildParameters
        {
            Tags = [tag],
            Labels = new Dictionary<string, string> { [InputsLabel] = inputs },
            BuildArgs = new Dictionary<string, string>(buildArgs) { ["BASE_IMAGE"] = DebianTag },
            Remove = true,
            ForceRemove = true,
        };
        await using (var context = pipe.Reader.AsStream())
        {
            try
            {
                await engine.Images.BuildImageFromDockerfileAsync(parameters, context, null, null, log, timeout.Token);
            }
            finally
            {
                // Stops the writer should the engine have stopped reading early.
                await pipe.Reader.CompleteAsync();
            }
        }

        try
        {
            await writing;
        }
        catch (Exception e) when (log.Error is not null && e is InvalidOperationException or IOException)
        {
            // The build failed and stopped reading: its error below says why.
        }

        if (log.Error is not null || !await HasInputsAsync(engine, tag, inputs, ct))
        {
            throw new InvalidOperationException($"Building {tag} failed: {log.Error ?? "the image is missing afterwards"}\n{log}");
        }
    }
}
