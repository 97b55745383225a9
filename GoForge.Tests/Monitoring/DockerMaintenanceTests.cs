using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Monitoring;
using GoForge.Infrastructure.Docker.Monitoring;
using GoForge.Infrastructure.Docker;
using GoForge.Infrastructure.Monitoring;
using GoForge.Tests.Docker;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace GoForge.Tests.Monitoring;

/// <summary>
/// Prunes on the shared engine, which other tests use at the same time: a test only ever passes its own candidates to
/// <see cref="DockerMaintenance.PruneAsync"/>, and "everything" is only ever planned, never pruned wholesale.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class DockerMaintenanceTests(DockerFixture fixture) : IAsyncLifetime
{
    private readonly DockerClientProvider _provider = TestContainers.Provider(fixture.Endpoint);
    private readonly List<string> _tags = [];
    private readonly List<string> _containers = [];
    private readonly List<string> _images = [];

    private DockerMaintenance Maintenance => new(_provider, NullLogger<DockerMaintenance>.Instance);

    [Fact]
    public async Task Dangling_prune_removes_GoForge_s_dangling_image_as_planned_and_keeps_the_unlabelled_one_unless_everything()
    {
        using var timeout = new CancellationTokenSource(TestContainers.Timeout);
        var maintenance = Maintenance;
        var owned = OwnedLabels(Guid.NewGuid());
        var plain = new Dictionary<string, string> { ["goforge.test"] = "monitoring" };
        // Built twice under one tag, the first build of each pair loses its tag and is dangling.
        var appTag = Tag("prune-app");
        var ownedDangling = await BuildAsync(appTag, owned, timeout.Token);
        var ownedCurrent = await BuildAsync(appTag, owned, timeout.Token);
        var plainTag = Tag("prune-plain");
        var plainDangling = await BuildAsync(plainTag, plain, timeout.Token);
        var plainCurrent = await BuildAsync(plainTag, plain, timeout.Token);
        var mine = new HashSet<string> { ownedDangling, ownedCurrent, plainDangling, plainCurrent };
        var before = await ParentsAsync(timeout.Token);

        var plan = await maintenance.PlanPruneAsync(PruneKind.DanglingImages, everything: false, timeout.Token);
        var planAll = await maintenance.PlanPruneAsync(PruneKind.DanglingImages, everything: true, timeout.Token);

        var candidate = Assert.Single(plan, c => mine.Contains(c.Id));
        Assert.Equal(ownedDangling, candidate.Id);
        Assert.True(candidate.Managed);
        Assert.All(plan, c => Assert.True(c.Managed));
        Assert.Equal(new[] { ownedDangling, plainDangling }.Order(), planAll.Where(c => mine.Contains(c.Id)).Select(c => c.Id).Order());
        Assert.False(planAll.Single(c => c.Id == plainDangling).Managed);

        var outcome = await maintenance.PruneAsync(PruneKind.DanglingImages, everything: false, [candidate], timeout.Token);

        Assert.Equal(1, outcome.Removed);
        Assert.Empty(outcome.Skipped);
        Assert.True(outcome.ReclaimedBytes > 0);
        // Exactly what the plan named went: the image, and as many of its own untagged build layers as it said (the
        // classic builder's step images that only it used). Nothing else of this test's images, nor their layers.
        var after = await ParentsAsync(timeout.Token);
        var gone = before.Keys.Except(after.Keys).ToHashSet();
        var related = mine.Concat(mine.SelectMany(m => Ancestors(before, m))).ToHashSet();
        var ownLayers = LayersNamedIn(candidate.Description);
        Assert.True(ownLayers >= 1, candidate.Description);
        var planned = Ancestors(before, ownedDangling).Take(ownLayers).Append(ownedDangling);
        Assert.Equal(planned.Order(), gone.Intersect(related).Order());
        foreach (var kept in new[] { ownedCurrent, plainDangling, plainCurrent })
        {
            Assert.Contains(kept, after.Keys);
            Assert.All(Ancestors(before, kept), layer => Assert.Contains(layer, after.Keys));
        }

        // The unlabelled one is refused without everything, even when passed in, and removed with it.
        var plainCandidate = planAll.Single(c => c.Id == plainDangling);
        var refused = await maintenance.PruneAsync(PruneKind.DanglingImages, everything: false, [plainCandidate], timeout.Token);
        Assert.Equal(0, refused.Removed);
        Assert.Contains("GoForge did not build it", Assert.Single(refused.Skipped), StringComparison.Ordinal);
        Assert.True(await ImageExistsAsync(plainDangling, timeout.Token));

        var all = await maintenance.PruneAsync(PruneKind.DanglingImages, everything: true, [plainCandidate], timeout.Token);

        Assert.Equal(1, all.Removed);
        Assert.False(await ImageExistsAsync(plainDangling, timeout.Token));
        Assert.True(await ImageExistsAsync(plainCurrent, timeout.Token));
    }

    [Fact]
    public async Task Dangling_image_tagged_again_after_the_plan_is_skipped()
    {
        using var timeout = new CancellationTokenSource(TestContainers.Timeout);
        var maintenance = Maintenance;
        var owned = OwnedLabels(Guid.NewGuid());
        var tag = Tag("retag");
        var dangling = await BuildAsync(tag, owned, timeout.Token);
        await BuildAsync(tag, owned, timeout.Token);
        var candidate = (await maintenance.PlanPruneAsync(PruneKind.DanglingImages, everything: false, timeout.Token)).Single(c => c.Id == dangling);
        var again = Tag("retagged");
        var (repository, version) = (again[..again.LastIndexOf(':')], again[(again.LastIndexOf(':') + 1)..]);
        await fixture.Client.Images.TagImageAsync(dangling, new ImageTagParameters { RepositoryName = repository, Tag = version }, timeout.Token);

        var outcome = await maintenance.PruneAsync(PruneKind.DanglingImages, everything: false, [candidate], timeout.Token);

        Assert.Equal(0, outcome.Removed);
        Assert.Contains("tagged since the plan", Assert.Single(outcome.Skipped), StringComparison.Ordinal);
        Assert.True(await ImageExistsAsync(dangling, timeout.Token));
    }

    [Fact]
    public async Task Stopped_container_prune_keeps_running_unlabelled_and_restarted_containers()
    {
        using var timeout = new CancellationTokenSource(TestContainers.Timeout);
        var maintenance = Maintenance;
        var labels = TestContainers.Managed(Guid.NewGuid(), Guid.NewGuid());
        var stopped = await RunAsync("exit 0", labels, timeout.Token);
        var running = await RunAsync("exec sleep 600", labels, timeout.Token);
        var unlabelled = await RunAsync("exit 0", null, timeout.Token);
        // Exits on its first run only, so once started again it stays up.
        var restarted = await RunAsync("[ -f /ran ] && exec sleep 600; touch /ran; exit 0", labels, timeout.Token);
        await WaitExitedAsync(stopped);
        await WaitExitedAsync(unlabelled);
        await WaitExitedAsync(restarted);

        var plan = await maintenance.PlanPruneAsync(PruneKind.StoppedContainers, everything: false, timeout.Token);
        var planAll = await maintenance.PlanPruneAsync(PruneKind.StoppedContainers, everything: true, timeout.Token);

        var mine = new HashSet<string> { stopped, running, unlabelled, restarted };
        Assert.Equal(new[] { stopped, restarted }.Order(), plan.Where(c => mine.Contains(c.Id)).Select(c => c.Id).Order());
        Assert.All(plan, c => Assert.True(c.Managed));
        Assert.Equal(new[] { stopped, restarted, unlabelled }.Order(), planAll.Where(c => mine.Contains(c.Id)).Select(c => c.Id).Order());
        Assert.False(planAll.Single(c => c.Id == unlabelled).Managed);
        await fixture.Client.Containers.StartContainerAsync(restarted, new ContainerStartParameters(), timeout.Token);
        await Wait.UntilAsync(
            async () => (await fixture.Client.Containers.InspectContainerAsync(restarted, timeout.Token)).State?.Running == true,
            "the restarted container to run",
            TestContainers.Timeout);
        var confirmed = planAll.Where(c => c.Id == stopped || c.Id == restarted || c.Id == unlabelled).ToList();

        var outcome = await maintenance.PruneAsync(PruneKind.StoppedContainers, everything: false, confirmed, timeout.Token);

        Assert.Equal(1, outcome.Removed);
        Assert.Equal(2, outcome.Skipped.Count);
        Assert.Contains(outcome.Skipped, s => s.Contains("running now", StringComparison.Ordinal));
        Assert.Contains(outcome.Skipped, s => s.Contains("GoForge did not create it", StringComparison.Ordinal));
        Assert.False(await ContainerExistsAsync(stopped, timeout.Token));
        Assert.True(await ContainerExistsAsync(running, timeout.Token));
        Assert.True(await ContainerExistsAsync(unlabelled, timeout.Token));
        Assert.True(await ContainerExistsAsync(restarted, timeout.Token));
    }

    [Fact]
    public async Task Managed_images_are_listed_with_the_containers_using_them_and_unlabelled_ones_are_not()
    {
        using var timeout = new CancellationTokenSource(TestContainers.Timeout);
        var application = Guid.NewGuid();
        var owned = await BuildAsync(Tag("listed"), OwnedLabels(application), timeout.Token);
        var plain = await BuildAsync(Tag("unlisted"), new Dictionary<string, string> { ["goforge.test"] = "monitoring" }, timeout.Token);
        var created = await fixture.Client.Containers.CreateContainerAsync(
            new CreateContainerParameters { Image = owned, Cmd = ["/bin/busybox", "true"], Labels = new Dictionary<string, string> { ["goforge.test"] = "monitoring" } },
            timeout.Token);
        _containers.Add(created.ID);

        var images = await Maintenance.ListManagedImagesAsync(timeout.Token);

        var image = Assert.Single(images, i => i.Id == owned);
        Assert.Equal(1, image.Containers);
        Assert.True(image.Managed);
        Assert.Equal([_tags[0]], image.Tags);
        Assert.True(image.SizeBytes > 0);
        Assert.DoesNotContain(images, i => i.Id == plain);
    }

    [Fact]
    public async Task Disk_usage_has_the_four_lines_of_docker_system_df()
    {
        using var timeout = new CancellationTokenSource(TestContainers.Timeout);
        await BusyboxImage.EnsureAsync(fixture.Client, timeout.Token);
        await RunAsync("exit 0", null, timeout.Token);

        var usage = await Maintenance.DiskUsageAsync(timeout.Token);

        Assert.Equal(["Images", "Containers", "Local volumes", "Build cache"], usage.Lines.Select(l => l.Kind));
        var images = usage.Lines[0];
        Assert.True(images.Total >= 1);
        Assert.True(images.SizeBytes > 0);
        Assert.True(usage.Lines[1].Total >= 1);
        Assert.All(usage.Lines, l => Assert.InRange(l.ReclaimableBytes, 0, l.SizeBytes));
        Assert.All(usage.Lines, l => Assert.InRange(l.Active, 0, l.Total));
    }

    [Fact]
    public async Task Build_cache_is_never_planned_without_everything()
    {
        using var timeout = new CancellationTokenSource(TestContainers.Timeout);

        Assert.Empty(await Maintenance.PlanPruneAsync(PruneKind.BuildCache, everything: false, timeout.Token));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TestContainers.Timeout);
        foreach (var id in _containers)
        {
            await TestContainers.RemoveAsync(fixture.Client, id);
        }

        // By tag and by id, so that a dangling image a failed test left behind goes too.
        foreach (var image in _tags.Concat(Enumerable.Reverse(_images)))
        {
            try
            {
                await fixture.Client.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = true }, timeout.Token);
            }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Pruned by the test, or never built.
            }
        }

        _provider.Dispose();
    }

    private static Dictionary<string, string> OwnedLabels(Guid application) => new()
    {
        [DockerContainerRuntime.ImageOwnerLabel] = application.ToString(),
        ["goforge.test"] = "monitoring",
    };

    private string Tag(string prefix)
    {
        var tag = Unique.Tag(prefix);
        _tags.Add(tag);
        return tag;
    }

    /// <summary>
    /// Builds <paramref name="tag"/> as GoForge does. Each build has a step of its own, so it makes a new image and the
    /// one the tag pointed at before loses it; the shared COPY step stays cached.
    /// </summary>
    private async Task<string> BuildAsync(string tag, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        using var context = AppContextFolder.Create($"""
            FROM scratch
            COPY busybox /bin/busybox
            LABEL goforge.test.build="{Guid.NewGuid():N}"
            """);
        var built = await new DockerImageBuilder(_provider, NullLogger<DockerImageBuilder>.Instance)
            .BuildAsync(new ImageBuildRequest(context.Path, "Dockerfile", tag, new Dictionary<string, string>(), labels), new LineLog(), ct);
        _images.Add(built.ImageId);
        return built.ImageId;
    }

    private async Task<string> RunAsync(string script, IReadOnlyDictionary<string, string>? labels, CancellationToken ct)
    {
        var id = await TestContainers.RunAsync(fixture.Client, script, labels, ct: ct);
        _containers.Add(id);
        return id;
    }

    private Task WaitExitedAsync(string id) => Wait.UntilAsync(
        async () => (await fixture.Client.Containers.InspectContainerAsync(id)).State?.Status == "exited",
        $"container {id[..12]} to exit",
        TestContainers.Timeout);

    /// <summary>Every image on the engine now (intermediate ones too), with its parent.</summary>
    private async Task<Dictionary<string, string?>> ParentsAsync(CancellationToken ct)
    {
        var all = await fixture.Client.Images.ListImagesAsync(new ImagesListParameters { All = true }, ct);
        return all.GroupBy(i => i.ID).ToDictionary(g => g.Key, g => string.IsNullOrEmpty(g.First().ParentID) ? null : g.First().ParentID);
    }

    private static IEnumerable<string> Ancestors(Dictionary<string, string?> parents, string id)
    {
        for (var parent = parents.GetValueOrDefault(id); parent is not null; parent = parents.GetValueOrDefault(parent))
        {
            yield return parent;
        }
    }

    /// <summary>"…, with the one build layer only it uses" → 1; "with the 2 build layers …" → 2; no such phrase → 0.</summary>
    private static int LayersNamedIn(string description)
    {
        var match = System.Text.RegularExpressions.Regex.Match(description, @"with the (one|\d+) build layers? only it uses");
        return !match.Success ? 0 : match.Groups[1].Value == "one" ? 1 : int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<bool> ImageExistsAsync(string id, CancellationToken ct)
    {
        try
        {
            await fixture.Client.Images.InspectImageAsync(id, ct);
            return true;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private async Task<bool> ContainerExistsAsync(string id, CancellationToken ct)
    {
        try
        {
            await fixture.Client.Containers.InspectContainerAsync(id, ct);
            return true;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
