using System.Globalization;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Monitoring;
using GoForge.Infrastructure.Docker.BuildKit;
using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Docker.Monitoring;

/// <summary>
/// Disk use and clean-up. A prune is two steps: a plan lists exactly what would go, and only what the admin confirmed
/// is removed, by id, each item checked again first. Nothing is removed through the engine's own bulk prune, whose
/// filters cannot say "these and nothing else".
/// </summary>
/// <remarks>
/// <para>Disk usage and build cache go through <see cref="EngineHttp"/> (<c>/system/df</c>, <c>/build/prune</c>):
/// Docker.DotNet.Enhanced 4.3.3 has no build-cache prune, and its system-df model reads nothing from Engine 20.10.</para>
/// <para>Dangling images: deleting one by id also deletes those of its untagged parents that only it uses (the classic
/// builder's step images), as <c>docker image prune</c> does; the plan counts them in the candidate's description.
/// Without them a prune would free next to nothing: the step images hold the layers, and carry no label.</para>
/// <para>Build cache: BuildKit's records carry no labels and the engine ignores a label filter on <c>/build/prune</c>
/// (moby forwards only id, parent, type, description, inuse, shared, private and until), so a "label=goforge.managed"
/// prune removes every unused record. GoForge's records are those that appeared during its BuildKit builds
/// (<see cref="BuildCacheLedger"/>): the managed-only plan lists those, "everything" all; either prunes record by record
/// (<c>id</c> filter).</para>
/// </remarks>
public sealed class DockerMaintenance(DockerClientProvider docker, ILogger<DockerMaintenance> logger, BuildCacheLedger? ledger = null) : IDockerMaintenance, IDisposable
{
    private const string NoTag = "<none>:<none>";
    private static readonly string[] StoppedStates = ["created", "exited", "dead"];
    private readonly Lazy<EngineHttp> _http = new(() => new EngineHttp(docker.Endpoint));

    public async Task<DiskUsage> DiskUsageAsync(CancellationToken ct = default)
    {
        using var df = await EngineCallAsync(() => _http.Value.GetDiskUsageAsync("system/df", ct));
        var usage = DiskUsageMapping.Map(df.RootElement);
        if (ledger is null)
        {
            return usage;
        }

        var ours = await GoForgeBuildCacheRecordsAsync(ct);
        return usage with { GoForgeBuildCache = new GoForgeBuildCache(ours.Sum(r => r.Size), ours.Count, ledger.BudgetBytes) };
    }

    /// <summary>
    /// GoForge's build cache records (<see cref="BuildCacheLedger"/>) the engine still has, oldest recorded first; ids
    /// it no longer has are forgotten. Empty without a ledger.
    /// </summary>
    internal async Task<IReadOnlyList<BuildCacheRecord>> GoForgeBuildCacheRecordsAsync(CancellationToken ct)
    {
        if (ledger is null)
        {
            return [];
        }

        var current = (await BuildCacheRecordsAsync(ct)).GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var ids = await ledger.ListAsync(ct);
        await ledger.ForgetAsync(ids.Where(id => !current.ContainsKey(id)).ToList(), ct);
        return ids.Where(current.ContainsKey).Select(id => current[id]).ToList();
    }

    public async Task<IReadOnlyList<EngineImage>> ListManagedImagesAsync(CancellationToken ct = default)
    {
        var images = await EngineCallAsync(() => docker.Client.Images.ListImagesAsync(new ImagesListParameters { All = false }, ct));
        var containers = await ListContainersAsync(size: false, ct);
        var users = containers.Where(c => !string.IsNullOrEmpty(c.ImageID)).GroupBy(c => c.ImageID).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return images
            .Where(i => IsManaged(i.Labels))
            .Select(i => new EngineImage(i.ID, Tags(i.RepoTags), i.Size, EngineTime.FromUtc(i.Created), users.GetValueOrDefault(i.ID), Managed: true))
            .OrderByDescending(i => i.Created)
            .ToList();
    }

    public Task<IReadOnlyList<PruneCandidate>> PlanPruneAsync(PruneKind kind, bool everything, CancellationToken ct = default) => kind switch
    {
        PruneKind.DanglingImages => PlanImagesAsync(everything, ct),
        PruneKind.StoppedContainers => PlanContainersAsync(everything, ct),
        PruneKind.BuildCache => PlanBuildCacheAsync(everything, ct),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public Task<PruneOutcome> PruneAsync(PruneKind kind, bool everything, IReadOnlyList<PruneCandidate> candidates, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        return kind switch
        {
            PruneKind.DanglingImages => PruneImagesAsync(everything, candidates, ct),
            PruneKind.StoppedContainers => PruneContainersAsync(everything, candidates, ct),
            PruneKind.BuildCache => PruneBuildCacheAsync(everything, candidates, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    public void Dispose()
    {
        if (_http.IsValueCreated)
        {
            _http.Value.Dispose();
        }
    }

    /// <summary>GoForge labels what it builds with <c>goforge.app</c> and what it runs with <c>goforge.managed</c>.</summary>
    internal static bool IsManaged(IDictionary<string, string>? labels) =>
        labels is not null
        && ((labels.TryGetValue(DockerContainerRuntime.ImageOwnerLabel, out var app) && !string.IsNullOrEmpty(app))
            || (labels.TryGetValue(DockerContainerRuntime.ManagedLabel, out var managed) && managed == "true"));

    private async Task<IReadOnlyList<PruneCandidate>> PlanImagesAsync(bool everything, CancellationToken ct)
    {
        // The engine's own notion of dangling: untagged and nobody's parent.
        var dangling = await EngineCallAsync(() => docker.Client.Images.ListImagesAsync(
            new ImagesListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["dangling"] = new Dictionary<string, bool> { ["true"] = true } } },
            ct));
        var all = await EngineCallAsync(() => docker.Client.Images.ListImagesAsync(new ImagesListParameters { All = true }, ct));
        var used = await UsedImagesAsync(ct);
        var byId = all.GroupBy(i => i.ID).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var children = all.Where(i => !string.IsNullOrEmpty(i.ParentID)).GroupBy(i => i.ParentID).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return dangling
            .Where(i => Tags(i.RepoTags).Count == 0 && !used.Contains(i.ID) && (everything || IsManaged(i.Labels)))
            .OrderBy(i => i.Created)
            .Select(i => new PruneCandidate(i.ID, DescribeImage(i, OwnLayers(i, byId, children, used)), i.Size, IsManaged(i.Labels)))
            .ToList();
    }

    /// <summary>
    /// The classic builder keeps one untagged image per build step, each the parent of the next. Deleting a dangling
    /// image deletes those of its parents that only it uses (the engine's prune does the same), so the plan names them.
    /// </summary>
    private static int OwnLayers(ImagesListResponse image, Dictionary<string, ImagesListResponse> byId, Dictionary<string, int> children, HashSet<string> used)
    {
        var count = 0;
        var parentId = image.ParentID;
        while (!string.IsNullOrEmpty(parentId)
            && byId.TryGetValue(parentId, out var parent)
            && Tags(parent.RepoTags).Count == 0
            && children.GetValueOrDefault(parentId) == 1
            && !used.Contains(parentId))
        {
            count++;
            parentId = parent.ParentID;
        }

        return count;
    }

    private static string DescribeImage(ImagesListResponse image, int ownLayers)
    {
        var owner = image.Labels is { } labels && labels.TryGetValue(DockerContainerRuntime.ImageOwnerLabel, out var app) && !string.IsNullOrEmpty(app)
            ? $" of application {app}"
            : string.Empty;
        var layers = ownLayers switch
        {
            0 => string.Empty,
            1 => ", with the one build layer only it uses",
            _ => $", with the {ownLayers.ToString(CultureInfo.InvariantCulture)} build layers only it uses",
        };
        return $"Untagged image {new ShortId(image.ID)}{owner}, built {EngineTime.FromUtc(image.Created):yyyy-MM-dd HH:mm} UTC{layers}";
    }

    private async Task<PruneOutcome> PruneImagesAsync(bool everything, IReadOnlyList<PruneCandidate> candidates, CancellationToken ct)
    {
        var used = await UsedImagesAsync(ct);
        var removed = 0;
        long reclaimed = 0;
        var skipped = new List<string>();
        foreach (var candidate in candidates)
        {
            ct.ThrowIfCancellationRequested();
            var image = await InspectImageAsync(candidate.Id, ct);
            var reason = image switch
            {
                null => "it no longer exists",
                { } i when Tags(i.RepoTags).Count > 0 => "it has been tagged since the plan",
                { } i when used.Contains(i.ID) => "a container uses it",
                { } i when !everything && !IsManaged(i.Config?.Labels) => "GoForge did not build it",
                _ => null,
            };
            if (reason is not null || image is null)
            {
                Skip(skipped, candidate, reason ?? "it no longer exists");
                continue;
            }

            try
            {
                // By id, never forced: the engine refuses an image a container or a child image still needs.
                var deleted = await docker.Client.Images.DeleteImageAsync(image.ID, new ImageDeleteParameters { Force = false, NoPrune = false }, ct);
                removed++;
                reclaimed += image.Size;
                var layers = deleted.Count(d => d.ContainsKey("Deleted"));
                logger.ImagePruned(image.ID, layers);
            }
            catch (DockerApiException e)
            {
                Skip(skipped, candidate, e.IsNotFound() ? "it no longer exists" : e.EngineMessage());
            }
            catch (Exception e) when (DockerErrors.IsEngineFailure(e))
            {
                throw DockerErrors.ToEngineException(e);
            }
        }

        return new PruneOutcome(removed, reclaimed, skipped);
    }

    private async Task<IReadOnlyList<PruneCandidate>> PlanContainersAsync(bool everything, CancellationToken ct)
    {
        var containers = await ListContainersAsync(size: true, ct);
        return containers
            .Where(c => StoppedStates.Contains(c.State) && (everything || IsManaged(c.Labels)))
            .OrderBy(c => c.Created)
            .Select(c => new PruneCandidate(
                c.ID,
                $"Container {ContainerName(c.Names)} ({c.State}, image {c.Image})",
                Math.Max(0, c.SizeRw ?? 0),
                IsManaged(c.Labels)))
            .ToList();
    }

    private async Task<PruneOutcome> PruneContainersAsync(bool everything, IReadOnlyList<PruneCandidate> candidates, CancellationToken ct)
    {
        var removed = 0;
        long reclaimed = 0;
        var skipped = new List<string>();
        foreach (var candidate in candidates)
        {
            ct.ThrowIfCancellationRequested();
            var container = await InspectContainerAsync(candidate.Id, ct);
            var reason = container switch
            {
                null => "it no longer exists",
                { State: null } => "the engine reports no state for it",
                { State: { } state } when !StoppedStates.Contains(state.Status) => $"it is {state.Status} now",
                { } c when !everything && !IsManaged(c.Config?.Labels) => "GoForge did not create it",
                _ => null,
            };
            if (reason is not null || container is null)
            {
                Skip(skipped, candidate, reason ?? "it no longer exists");
                continue;
            }

            try
            {
                // Not forced: a container started since the re-check is refused by the engine. Volumes stay.
                await docker.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = false, RemoveVolumes = false }, ct);
                removed++;
                reclaimed += Math.Max(0, container.SizeRw ?? 0);
                logger.ContainerPruned(container.ID);
            }
            catch (DockerApiException e)
            {
                Skip(skipped, candidate, e.IsNotFound() ? "it no longer exists" : e.EngineMessage());
            }
            catch (Exception e) when (DockerErrors.IsEngineFailure(e))
            {
                throw DockerErrors.ToEngineException(e);
            }
        }

        return new PruneOutcome(removed, reclaimed, skipped);
    }

    private async Task<IReadOnlyList<PruneCandidate>> PlanBuildCacheAsync(bool everything, CancellationToken ct)
    {
        // GoForge's own are the records its builds made (see the remarks); everything is every record.
        var ours = (await GoForgeBuildCacheRecordsAsync(ct)).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var records = (await BuildCacheRecordsAsync(ct)).Where(r => everything || ours.Contains(r.Id)).ToList();
        var depth = Depths(records);
        return records
            .Where(r => !r.InUse)
            .OrderByDescending(r => depth[r.Id])
            .Select(r => new PruneCandidate(r.Id, $"Build cache {r.Type}: {r.Description}", r.Size, Managed: ours.Contains(r.Id)))
            .ToList();
    }

    /// <summary>
    /// How many records each one is built on. BuildKit keeps a record while another is built on it, so records are
    /// listed and pruned deepest first: a parent confirmed with its children goes after them.
    /// </summary>
    private static Dictionary<string, int> Depths(IReadOnlyList<BuildCacheRecord> records)
    {
        var byId = records.GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var depths = new Dictionary<string, int>(StringComparer.Ordinal);
        int DepthOf(string id, int guard)
        {
            if (depths.TryGetValue(id, out var known))
            {
                return known;
            }

            var parents = byId.TryGetValue(id, out var record) ? record.Parents.Where(byId.ContainsKey).ToList() : [];
            var depth = parents.Count == 0 || guard > byId.Count ? 0 : 1 + parents.Max(p => DepthOf(p, guard + 1));
            depths[id] = depth;
            return depth;
        }

        foreach (var record in records)
        {
            DepthOf(record.Id, 0);
        }

        return depths;
    }

    private async Task<PruneOutcome> PruneBuildCacheAsync(bool everything, IReadOnlyList<PruneCandidate> candidates, CancellationToken ct)
    {
        var skipped = new List<string>();
        var ours = everything ? null : (await GoForgeBuildCacheRecordsAsync(ct)).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var current = await BuildCacheRecordsAsync(ct);
        var records = current.GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var depth = Depths(current);
        var removed = 0;
        long reclaimed = 0;
        foreach (var candidate in candidates.OrderByDescending(c => depth.GetValueOrDefault(c.Id)))
        {
            ct.ThrowIfCancellationRequested();
            var reason = records.GetValueOrDefault(candidate.Id) switch
            {
                null => "it no longer exists",
                { InUse: true } => "a build is using it",
                _ when ours is not null && !ours.Contains(candidate.Id) => "no GoForge build made it, so only a prune of everything removes it",
                _ when !candidate.Id.All(char.IsAsciiLetterOrDigit) => "its id is not one the engine makes",
                _ => null,
            };
            if (reason is null)
            {
                // The engine matches the id filter as a regular expression: anchored, it names this record alone.
                var filters = JsonSerializer.Serialize(new Dictionary<string, Dictionary<string, bool>> { ["id"] = new() { [$"^{candidate.Id}$"] = true } });
                using var answer = await EngineCallAsync(() => _http.Value.PostJsonAsync($"build/prune?all=1&filters={Uri.EscapeDataString(filters)}", ct));
                var deleted = answer.RootElement.TryGetProperty("CachesDeleted", out var ids) && ids.ValueKind == JsonValueKind.Array
                    && ids.EnumerateArray().Any(id => id.ValueKind == JsonValueKind.String && id.GetString() == candidate.Id);
                if (deleted)
                {
                    var bytes = answer.RootElement.TryGetProperty("SpaceReclaimed", out var space) && space.TryGetInt64(out var b) ? b : 0;
                    removed++;
                    reclaimed += bytes;
                    logger.BuildCachePruned(candidate.Id, bytes);
                    continue;
                }

                reason = "the engine kept it: a record that was not confirmed is built on it";
            }

            Skip(skipped, candidate, reason);
        }

        return new PruneOutcome(removed, reclaimed, skipped);
    }

    internal async Task<IReadOnlyList<BuildCacheRecord>> BuildCacheRecordsAsync(CancellationToken ct)
    {
        // type and verbose ask newer engines for the records themselves; older ones ignore both and send everything.
        using var df = await EngineCallAsync(() => _http.Value.GetDiskUsageAsync("system/df?type=build-cache&verbose=1", ct));
        return DiskUsageMapping.BuildCacheRecords(df.RootElement);
    }

    private void Skip(List<string> skipped, PruneCandidate candidate, string reason)
    {
        logger.PruneSkipped(candidate.Id, reason);
        skipped.Add($"{candidate.Description}: {reason}");
    }

    private async Task<ImageInspectResponse?> InspectImageAsync(string id, CancellationToken ct)
    {
        try
        {
            return await docker.Client.Images.InspectImageAsync(id, ct);
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            return null;
        }
        catch (Exception e) when (DockerErrors.IsEngineFailure(e))
        {
            throw DockerErrors.ToEngineException(e);
        }
    }

    private async Task<ContainerInspectResponse?> InspectContainerAsync(string id, CancellationToken ct)
    {
        try
        {
            return await docker.Client.Containers.InspectContainerAsync(id, new ContainerInspectParameters { IncludeSize = true }, ct);
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            return null;
        }
        catch (Exception e) when (DockerErrors.IsEngineFailure(e))
        {
            throw DockerErrors.ToEngineException(e);
        }
    }

    private Task<IList<ContainerListResponse>> ListContainersAsync(bool size, CancellationToken ct) =>
        EngineCallAsync(() => docker.Client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Size = size }, ct));

    private async Task<HashSet<string>> UsedImagesAsync(CancellationToken ct) =>
        (await ListContainersAsync(size: false, ct)).Select(c => c.ImageID).Where(id => !string.IsNullOrEmpty(id)).ToHashSet(StringComparer.Ordinal);

    private static List<string> Tags(IList<string>? repoTags) =>
        repoTags?.Where(t => !string.IsNullOrEmpty(t) && t != NoTag).ToList() ?? [];

    private static string ContainerName(IList<string>? names) =>
        names?.FirstOrDefault(n => !string.IsNullOrEmpty(n))?.TrimStart('/') ?? "(unnamed)";

    private static async Task<T> EngineCallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (DockerErrors.IsEngineFailure(e))
        {
            throw DockerErrors.ToEngineException(e);
        }
    }
}
