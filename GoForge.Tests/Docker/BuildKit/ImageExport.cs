using System.Formats.Tar;
using System.Text;
using Docker.DotNet;

namespace GoForge.Tests.Docker.BuildKit;

/// <summary>
/// An image as the engine exports it (<c>GET /images/{name}/get</c>): every entry of the outer tar (configs, manifest)
/// and every file of every layer tar, read whole, to look for bytes that must not be there and files that must.
/// </summary>
internal sealed class ImageExport
{
    private readonly List<(string Name, byte[] Content)> _entries = [];
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    public int LayerCount { get; private set; }

    public static async Task<ImageExport> ReadAsync(IDockerClient docker, string image, CancellationToken ct)
    {
        var export = new ImageExport();
        await using var stream = await docker.Images.SaveImageAsync(image, ct);
        await using var outer = new TarReader(stream);
        while (await outer.GetNextEntryAsync(copyData: true, ct) is { } entry)
        {
            if (entry.DataStream is null)
            {
                continue;
            }

            var content = await ReadAllAsync(entry.DataStream, ct);
            export._entries.Add((entry.Name, content));
            if (entry.Name.EndsWith("layer.tar", StringComparison.Ordinal))
            {
                export.LayerCount++;
                await export.ReadLayerAsync(content, ct);
            }
        }

        return export;
    }

    /// <summary>Names of the outer entries or layer files holding <paramref name="text"/>.</summary>
    public IReadOnlyList<string> WhereFound(string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return _entries.Where(e => e.Content.AsSpan().IndexOf(needle) >= 0).Select(e => e.Name)
            .Concat(_files.Where(f => f.Value.AsSpan().IndexOf(needle) >= 0).Select(f => "layer file " + f.Key))
            .ToList();
    }

    /// <summary>A file's content as a layer holds it; null when none does. Tests read files that one step alone writes.</summary>
    public string? File(string path) => _files.TryGetValue(path.TrimStart('/'), out var content) ? Encoding.UTF8.GetString(content) : null;

    private async Task ReadLayerAsync(byte[] layer, CancellationToken ct)
    {
        await using var reader = new TarReader(new MemoryStream(layer));
        while (await reader.GetNextEntryAsync(copyData: true, ct) is { } entry)
        {
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
            {
                // An empty file has no data stream.
                _files[entry.Name.TrimStart('.', '/')] = entry.DataStream is null ? [] : await ReadAllAsync(entry.DataStream, ct);
            }
        }
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken ct)
    {
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory, ct);
        return memory.ToArray();
    }
}
