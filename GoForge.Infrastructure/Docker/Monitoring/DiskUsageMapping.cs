using System.Text.Json;
using GoForge.Core.Monitoring;

namespace GoForge.Infrastructure.Docker.Monitoring;

/// <summary>One build cache record of <c>/system/df</c>.</summary>
/// <param name="Parents">The records this one was built on (<c>Parent</c> up to API 1.41, <c>Parents</c> after).</param>
internal sealed record BuildCacheRecord(string Id, IReadOnlyList<string> Parents, string Type, string Description, bool InUse, bool Shared, long Size);

/// <summary>
/// Reads <c>GET /system/df</c> in both shapes the engine has used: up to API 1.51 the items themselves
/// (<c>LayersSize</c>, <c>Images</c>, <c>Containers</c>, <c>Volumes</c>, <c>BuildCache</c>), summed here as the Docker CLI
/// sums them (cli/command/formatter/disk_usage.go); from API 1.52 the engine's own totals (<c>ImageUsage</c>, …).
/// </summary>
internal static class DiskUsageMapping
{
    public const string Images = "Images";
    public const string Containers = "Containers";
    public const string Volumes = "Local volumes";
    public const string BuildCache = "Build cache";

    public static DiskUsage Map(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("The engine's /system/df answer is not a JSON object.");
        }

        if (root.TryGetProperty("ImageUsage", out _))
        {
            return new DiskUsage(
            [
                Totals(Images, root, "ImageUsage"),
                Totals(Containers, root, "ContainerUsage"),
                Totals(Volumes, root, "VolumeUsage"),
                Totals(BuildCache, root, "BuildCacheUsage"),
            ]);
        }

        return new DiskUsage([ImagesLine(root), ContainersLine(root), VolumesLine(root), BuildCacheLine(root)]);
    }

    public static IReadOnlyList<BuildCacheRecord> BuildCacheRecords(JsonElement root)
    {
        var items = Array(root, "BuildCache");
        if (items.Count == 0 && root.TryGetProperty("BuildCacheUsage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            items = Array(usage, "Items");
        }

        return items
            .Select(r => new BuildCacheRecord(
                String(r, "ID"),
                [.. Array(r, "Parents").Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString() ?? string.Empty).Append(String(r, "Parent")).Where(p => p.Length > 0).Distinct()],
                String(r, "Type"),
                String(r, "Description"),
                Bool(r, "InUse"),
                Bool(r, "Shared"),
                Long(r, "Size")))
            .Where(r => r.Id.Length > 0)
            .ToList();
    }

    /// <summary>Each volume's size by name (<c>UsageData.Size</c>; -1, "not computed", is left out), in either shape.</summary>
    public static IReadOnlyDictionary<string, long> VolumeSizes(JsonElement root)
    {
        var items = Array(root, "Volumes");
        if (items.Count == 0 && root.TryGetProperty("VolumeUsage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            items = Array(usage, "Items");
        }

        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var volume in items)
        {
            if (String(volume, "Name") is { Length: > 0 } name && volume.TryGetProperty("UsageData", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("Size", out var size) && size.ValueKind == JsonValueKind.Number && size.TryGetInt64(out var bytes) && bytes >= 0)
            {
                sizes[name] = bytes;
            }
        }

        return sizes;
    }

    private static DiskUsageLine Totals(string kind, JsonElement root, string property)
    {
        if (!root.TryGetProperty(property, out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return new DiskUsageLine(kind, 0, 0, 0, 0);
        }

        return new DiskUsageLine(kind, (int)Long(usage, "TotalCount"), (int)Long(usage, "ActiveCount"), Long(usage, "TotalSize"), Long(usage, "Reclaimable"));
    }

    // An image is active when a container uses it; what active images hold alone cannot be reclaimed.
    private static DiskUsageLine ImagesLine(JsonElement root)
    {
        var images = Array(root, "Images");
        var total = Long(root, "LayersSize");
        long used = 0;
        var active = 0;
        foreach (var image in images.Where(i => Long(i, "Containers") > 0))
        {
            active++;
            var size = Long(image, "Size");
            var shared = Long(image, "SharedSize");
            if (size >= 0 && shared >= 0)
            {
                used += size - shared;
            }
        }

        return new DiskUsageLine(Images, images.Count, active, total, Math.Max(0, total - used));
    }

    private static DiskUsageLine ContainersLine(JsonElement root)
    {
        var containers = Array(root, "Containers");
        long size = 0, reclaimable = 0;
        var active = 0;
        foreach (var container in containers)
        {
            var rw = Math.Max(0, Long(container, "SizeRw"));
            size += rw;
            if (String(container, "State") == "running")
            {
                active++;
            }
            else
            {
                reclaimable += rw;
            }
        }

        return new DiskUsageLine(Containers, containers.Count, active, size, reclaimable);
    }

    private static DiskUsageLine VolumesLine(JsonElement root)
    {
        var volumes = Array(root, "Volumes");
        long size = 0, reclaimable = 0;
        var active = 0;
        foreach (var volume in volumes)
        {
            var usage = volume.TryGetProperty("UsageData", out var u) && u.ValueKind == JsonValueKind.Object ? u : default;
            var bytes = usage.ValueKind == JsonValueKind.Object ? Math.Max(0, Long(usage, "Size")) : 0;
            var references = usage.ValueKind == JsonValueKind.Object ? Long(usage, "RefCount") : 0;
            size += bytes;
            if (references > 0)
            {
                active++;
            }
            else
            {
                reclaimable += bytes;
            }
        }

        return new DiskUsageLine(Volumes, volumes.Count, active, size, reclaimable);
    }

    // Shared records are counted with the images that share them, as the CLI does.
    private static DiskUsageLine BuildCacheLine(JsonElement root)
    {
        var records = BuildCacheRecords(root);
        return new DiskUsageLine(
            BuildCache,
            records.Count,
            records.Count(r => r.InUse),
            records.Where(r => !r.Shared).Sum(r => r.Size),
            records.Where(r => !r.Shared && !r.InUse).Sum(r => r.Size));
    }

    private static List<JsonElement> Array(JsonElement parent, string property) =>
        parent.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : [];

    private static long Long(JsonElement parent, string property) =>
        parent.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : 0;

    private static string String(JsonElement parent, string property) =>
        parent.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : string.Empty;

    private static bool Bool(JsonElement parent, string property) =>
        parent.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.True;
}
