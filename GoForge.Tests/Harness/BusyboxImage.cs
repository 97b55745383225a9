using System.Buffers.Binary;
using System.Formats.Tar;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace GoForge.Tests.Harness;

/// <summary>
/// The image container tests run: busybox's httpd answering "hello" on port 8080. No registry is reachable, so it is
/// built <c>FROM scratch</c> around the host's static busybox and never pulled. Built once per engine; later calls
/// only inspect it.
/// </summary>
public static class BusyboxImage
{
    public const string Tag = "goforge-test/busybox-httpd:latest";
    public const int Port = 8080;
    public const string BusyboxPath = "/bin/busybox";

    private const string Dockerfile = """
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        CMD ["/bin/sh", "-c", "mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p 8080 -h /www"]
        """;

    /// <summary>
    /// Marks the image as the tests'. Not <c>goforge.test</c>: GoForge refuses to run an image carrying a label of its own
    /// namespace (<c>ReservedImageLabels</c>), so an image built with that older label is built again.
    /// </summary>
    private const string Label = "goforge-test";

    private static readonly SemaphoreSlim BuildLock = new(1, 1);

    /// <summary>Builds the image unless the engine already has it; returns its tag.</summary>
    public static async Task<string> EnsureAsync(IDockerClient docker, CancellationToken ct = default)
    {
        await BuildLock.WaitAsync(ct);
        try
        {
            if (!await ExistsAsync(docker, Tag, ct))
            {
                await using var context = await CreateBuildContextAsync(ct);
                await BuildAsync(docker, Tag, context, ct);
            }

            return Tag;
        }
        finally
        {
            BuildLock.Release();
        }
    }

    /// <summary>
    /// A second release of the image, for update tests: <c>goforge-test/busybox-httpd:&lt;variant&gt;</c>, built on the image
    /// above, whose page says <paramref name="variant"/> (lower-case letters and digits) instead of "hello". A distinct
    /// image id, so an engine rolls it out as a new image.
    /// </summary>
    public static async Task<string> EnsureVariantAsync(IDockerClient docker, string variant, CancellationToken ct = default)
    {
        if (variant.Length is 0 or > 32 || !variant.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
        {
            throw new ArgumentException("A variant is 1 to 32 lower-case letters and digits.", nameof(variant));
        }

        await EnsureAsync(docker, ct);
        var tag = $"{Tag[..Tag.LastIndexOf(':')]}:{variant}";
        await BuildLock.WaitAsync(ct);
        try
        {
            if (!await ExistsAsync(docker, tag, ct))
            {
                var dockerfile = $$"""
                    FROM {{Tag}}
                    LABEL goforge-test.variant={{variant}}
                    CMD ["/bin/sh", "-c", "mkdir -p /www && echo {{variant}} > /www/index.html && exec httpd -f -p {{Port}} -h /www"]
                    """;
                var context = new MemoryStream();
                await using (var tar = new TarWriter(context, TarEntryFormat.Ustar, leaveOpen: true))
                {
                    await tar.WriteEntryAsync(FileEntry("Dockerfile", Encoding.UTF8.GetBytes(dockerfile), executable: false), ct);
                }

                context.Position = 0;
                await using (context)
                {
                    await BuildAsync(docker, tag, context, ct);
                }
            }

            return tag;
        }
        finally
        {
            BuildLock.Release();
        }
    }

    private static async Task BuildAsync(IDockerClient docker, string tag, Stream context, CancellationToken ct)
    {
        var log = new DockerBuildLog();
        var parameters = new ImageBuildParameters
        {
            Tags = [tag],
            Labels = new Dictionary<string, string> { [Label] = "true" },
            Remove = true,
            ForceRemove = true,
        };
        await docker.Images.BuildImageFromDockerfileAsync(parameters, context, null, null, log, ct);
        if (log.Error is not null || !await ExistsAsync(docker, tag, ct))
        {
            throw new InvalidOperationException($"Building {tag} failed: {log.Error ?? "the image is missing afterwards"}\n{log}");
        }
    }

    private static async Task<bool> ExistsAsync(IDockerClient docker, string tag, CancellationToken ct)
    {
        try
        {
            var image = await docker.Images.InspectImageAsync(tag, ct);
            return image.Config?.Labels?.ContainsKey(Label) == true;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private static async Task<MemoryStream> CreateBuildContextAsync(CancellationToken ct)
    {
        if (!File.Exists(BusyboxPath))
        {
            throw new InvalidOperationException($"{BusyboxPath} is missing: apt-get install -y busybox-static.");
        }

        var busybox = await File.ReadAllBytesAsync(BusyboxPath, ct);
        if (!IsStaticElf(busybox))
        {
            throw new InvalidOperationException(
                $"{BusyboxPath} is not a statically linked executable, so it cannot run FROM scratch: apt-get install -y busybox-static.");
        }

        var context = new MemoryStream();
        await using (var tar = new TarWriter(context, TarEntryFormat.Ustar, leaveOpen: true))
        {
            await tar.WriteEntryAsync(FileEntry("Dockerfile", Encoding.UTF8.GetBytes(Dockerfile), executable: false), ct);
            await tar.WriteEntryAsync(FileEntry("busybox", busybox, executable: true), ct);
        }

        context.Position = 0;
        return context;
    }

    private static UstarTarEntry FileEntry(string name, byte[] content, bool executable) => new(TarEntryType.RegularFile, name)
    {
        DataStream = new MemoryStream(content),
        Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead
            | (executable ? UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute : UnixFileMode.None),
    };

    /// <summary>A dynamic executable names its loader in a PT_INTERP program header; FROM scratch there is no loader.</summary>
    private static bool IsStaticElf(ReadOnlySpan<byte> elf)
    {
        const uint PtInterp = 3;
        if (elf.Length < 64 || !elf[..4].SequenceEqual("\u007fELF"u8) || elf[4] != 2 /* 64-bit */ || elf[5] != 1 /* little-endian */)
        {
            return false;
        }

        var headersAt = BinaryPrimitives.ReadUInt64LittleEndian(elf[0x20..]);
        var headerSize = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x36..]);
        var headerCount = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x38..]);
        for (var i = 0UL; i < headerCount; i++)
        {
            var at = headersAt + (i * headerSize);
            if (at + 4 > (ulong)elf.Length)
            {
                return false;
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(elf[(int)at..]) == PtInterp)
            {
                return false;
            }
        }

        return true;
    }
}
