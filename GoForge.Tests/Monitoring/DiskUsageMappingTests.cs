using System.Text.Json;
using GoForge.Core.Monitoring;
using GoForge.Infrastructure.Docker.Monitoring;
using GoForge.Infrastructure.Monitoring;

namespace GoForge.Tests.Monitoring;

public sealed class DiskUsageMappingTests
{
    [Fact]
    public void Items_of_api_1_41_are_summed_as_the_docker_cli_sums_them()
    {
        // Shaped as Engine 20.10 answers /system/df.
        const string Json = """
            {
              "LayersSize": 1000,
              "Images": [
                { "Id": "sha256:a", "Containers": 1, "Size": 600, "SharedSize": 100 },
                { "Id": "sha256:b", "Containers": 0, "Size": 400, "SharedSize": 100 }
              ],
              "Containers": [
                { "Id": "c1", "State": "running", "SizeRw": 10 },
                { "Id": "c2", "State": "exited", "SizeRw": 30 },
                { "Id": "c3", "State": "created", "SizeRw": -1 }
              ],
              "Volumes": [
                { "Name": "v1", "UsageData": { "Size": 70, "RefCount": 1 } },
                { "Name": "v2", "UsageData": { "Size": 20, "RefCount": 0 } }
              ],
              "BuildCache": [
                { "ID": "r1", "Parent": "", "Type": "regular", "Description": "fileop target", "InUse": false, "Shared": false, "Size": 5 },
                { "ID": "r2", "Parent": "r1", "Type": "regular", "Description": "fileop target", "InUse": true, "Shared": false, "Size": 7 },
                { "ID": "r3", "Parent": "", "Type": "regular", "Description": "fileop target", "InUse": false, "Shared": true, "Size": 100 }
              ]
            }
            """;
        using var document = JsonDocument.Parse(Json);

        var usage = DiskUsageMapping.Map(document.RootElement);

        Assert.Equal(
            [
                // Reclaimable: all layers but what active images hold alone (600 − 100).
                new DiskUsageLine("Images", 2, 1, 1000, 1000 - 500),
                // SizeRw −1 (not computed) counts as 0; only stopped containers' layers are reclaimable.
                new DiskUsageLine("Containers", 3, 1, 40, 30),
                new DiskUsageLine("Local volumes", 2, 1, 90, 20),
                // Shared records are counted with the images sharing them.
                new DiskUsageLine("Build cache", 3, 1, 12, 5),
            ],
            usage.Lines);
        Assert.Equal(["r1"], DiskUsageMapping.BuildCacheRecords(document.RootElement).Single(r => r.Id == "r2").Parents);
    }

    [Fact]
    public void Totals_of_api_1_52_are_taken_as_the_engine_gives_them()
    {
        const string Json = """
            {
              "ImageUsage": { "ActiveCount": 1, "TotalCount": 4, "TotalSize": 4000, "Reclaimable": 3000 },
              "ContainerUsage": { "ActiveCount": 2, "TotalCount": 3, "TotalSize": 30, "Reclaimable": 10 },
              "VolumeUsage": { "ActiveCount": 0, "TotalCount": 0, "TotalSize": 0, "Reclaimable": 0 },
              "BuildCacheUsage": {
                "ActiveCount": 0, "TotalCount": 1, "TotalSize": 9, "Reclaimable": 9,
                "Items": [ { "ID": "r9", "Parents": ["r8"], "Type": "regular", "Description": "mount", "InUse": false, "Shared": false, "Size": 9 } ]
              }
            }
            """;
        using var document = JsonDocument.Parse(Json);

        var usage = DiskUsageMapping.Map(document.RootElement);

        Assert.Equal(
            [
                new DiskUsageLine("Images", 4, 1, 4000, 3000),
                new DiskUsageLine("Containers", 3, 2, 30, 10),
                new DiskUsageLine("Local volumes", 0, 0, 0, 0),
                new DiskUsageLine("Build cache", 1, 0, 9, 9),
            ],
            usage.Lines);
        var record = Assert.Single(DiskUsageMapping.BuildCacheRecords(document.RootElement));
        Assert.Equal(["r8"], record.Parents);
    }
}
