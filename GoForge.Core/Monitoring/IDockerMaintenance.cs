namespace GoForge.Core.Monitoring;

/// <summary>Disk use and clean-up on the engine (the admin Docker page).</summary>
public interface IDockerMaintenance
{
    /// <summary>What <c>docker system df</c> shows.</summary>
    Task<DiskUsage> DiskUsageAsync(CancellationToken ct = default);

    /// <summary>Images with GoForge's <c>goforge.app</c> or <c>goforge.managed</c> label.</summary>
    Task<IReadOnlyList<EngineImage>> ListManagedImagesAsync(CancellationToken ct = default);

    /// <summary>
    /// What a prune of <paramref name="kind"/> would remove now: only GoForge's (labelled) items unless
    /// <paramref name="everything"/>, in which case also what GoForge did not create. Nothing is removed.
    /// </summary>
    Task<IReadOnlyList<PruneCandidate>> PlanPruneAsync(PruneKind kind, bool everything, CancellationToken ct = default);

    /// <summary>
    /// Removes exactly <paramref name="candidates"/> (a plan the admin confirmed), skipping any that changed since
    /// (in use again, gone, no longer GoForge's). Build-cache records carry no labels (and the engine ignores a label
    /// filter on <c>/build/prune</c>), so none is GoForge's: they are planned and pruned, by id, only with everything.
    /// </summary>
    Task<PruneOutcome> PruneAsync(PruneKind kind, bool everything, IReadOnlyList<PruneCandidate> candidates, CancellationToken ct = default);
}

public enum PruneKind
{
    /// <summary>Images without a tag that no container uses.</summary>
    DanglingImages,

    /// <summary>Containers that are not running.</summary>
    StoppedContainers,

    /// <summary>The builder's cache.</summary>
    BuildCache,
}

/// <summary>One line of <c>docker system df</c>.</summary>
/// <param name="Kind">Images, Containers, Local volumes, Build cache.</param>
public sealed record DiskUsageLine(string Kind, int Total, int Active, long SizeBytes, long ReclaimableBytes);

public sealed record DiskUsage(IReadOnlyList<DiskUsageLine> Lines)
{
    /// <summary>The part of the build cache that is GoForge's, against its budget; null when it is not known.</summary>
    public GoForgeBuildCache? GoForgeBuildCache { get; init; }
}

/// <summary>GoForge's own build cache records (those its builds made): their size and count, and the budget (0: none).</summary>
public sealed record GoForgeBuildCache(long SizeBytes, int Records, long BudgetBytes);

/// <summary>An image on the engine.</summary>
public sealed record EngineImage(string Id, IReadOnlyList<string> Tags, long SizeBytes, DateTimeOffset Created, int Containers, bool Managed);

/// <summary>Something a prune would remove: its id, what people recognise it by, its size, and whether GoForge made it.</summary>
public sealed record PruneCandidate(string Id, string Description, long SizeBytes, bool Managed);

/// <summary>What a prune removed, and what it left because it changed since the plan.</summary>
public sealed record PruneOutcome(int Removed, long ReclaimedBytes, IReadOnlyList<string> Skipped);
