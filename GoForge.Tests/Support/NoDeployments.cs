using GoForge.Core.Containers;
using GoForge.Core.Services;
using GoForge.Core.Deployments;

namespace GoForge.Tests.Support;

/// <summary>
/// The deployment store for in-memory page tests: empty unless a test puts finished deployments in
/// <see cref="History"/>. Pages that show deployments render their empty state; deployment behaviour itself is
/// tested on PostgreSQL (<c>DeploymentUiTest</c>).
/// </summary>
internal sealed class NoDeploymentRepository : IDeploymentRepository
{
    /// <summary>Deployments <see cref="ListByApplicationAsync"/> returns, newest first; nothing else reads them.</summary>
    public List<Deployment> History { get; } = [];

    public Task<QueuedDeployment> QueueAsync(Deployment deployment, Supersession supersession, CancellationToken ct = default) => throw Unsupported();

    public Task<Deployment?> GetAsync(Guid id, CancellationToken ct = default) => Task.FromResult<Deployment?>(null);

    public Task<IReadOnlyList<Deployment>> ListByApplicationAsync(Guid applicationId, int limit, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<Deployment>>(History.Where(d => d.ApplicationId == applicationId).Take(limit).ToList());

    public Task<IReadOnlyList<Deployment>> ListRecentAsync(IReadOnlyCollection<Guid> applicationIds, int limit, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<Deployment>>(History.Where(d => applicationIds.Contains(d.ApplicationId)).OrderByDescending(d => d.CreatedAt).Take(limit).ToList());

    public Task<bool> TryTransitionAsync(Guid id, DeploymentState from, DeploymentState to, string? reason, Guid? actorUserId, DateTimeOffset now, CancellationToken ct = default) =>
        Task.FromResult(false);

    public Task<IReadOnlyList<DeploymentTransition>> ListTransitionsAsync(Guid id, CancellationToken ct = default) => Empty<DeploymentTransition>();

    public Task<int?> QueuePositionAsync(Guid id, CancellationToken ct = default) => Task.FromResult<int?>(null);

    public Task RecordCommitAsync(Guid id, ClonedCommit commit, CancellationToken ct = default) => throw Unsupported();

    public Task RecordArtifactsAsync(Guid id, string? imageTag, string? containerId, CancellationToken ct = default) => throw Unsupported();

    public Task<IReadOnlyList<Deployment>> ListRunningAsync(Guid applicationId, CancellationToken ct = default) => Empty<Deployment>();

    public Task<IReadOnlyList<Deployment>> ListPreviewDeploymentsAsync(Guid applicationId, CancellationToken ct = default) => Empty<Deployment>();

    public Task<IReadOnlyList<Deployment>> ListByPreviewAsync(Guid previewId, int limit, CancellationToken ct = default) => Empty<Deployment>();

    public Task<IReadOnlyList<Guid>> ListRunnableAsync(int limit, CancellationToken ct = default) => Empty<Guid>();

    public Task<IReadOnlyList<Guid>> ListActiveAsync(CancellationToken ct = default) => Empty<Guid>();

    public Task<int> CountPendingAsync(CancellationToken ct = default) => Task.FromResult(0);

    /// <summary>The log store a test plays (one that fails for a while, say); unset, appending is unsupported.</summary>
    public Func<IReadOnlyList<string>, IReadOnlyList<DeploymentLogLine>>? AppendLog { get; set; }

    public Task<IReadOnlyList<DeploymentLogLine>> AppendLogAsync(Guid deploymentId, IReadOnlyList<string> lines, DateTimeOffset now, CancellationToken ct = default) =>
        AppendLog is { } append ? Task.FromResult(append(lines)) : throw Unsupported();

    public Task<IReadOnlyList<RetainedImage>> ListImagesAsync(Guid applicationId, CancellationToken ct = default) => Empty<RetainedImage>();

    public Task MarkImagePrunedAsync(Guid applicationId, string imageTag, DateTimeOffset now, CancellationToken ct = default) => throw Unsupported();

    public Task<IReadOnlyList<DeploymentLogLine>> ListLogAsync(Guid deploymentId, int afterLine, int limit, CancellationToken ct = default) => Empty<DeploymentLogLine>();

    private static Task<IReadOnlyList<T>> Empty<T>() => Task.FromResult<IReadOnlyList<T>>([]);

    private static NotSupportedException Unsupported() => new("In-memory page tests queue no deployments; use DeploymentUiTest (PostgreSQL).");
}

/// <summary>The engine for in-memory page tests: runs nothing, so it has nothing to list or remove.</summary>
internal sealed class NoContainerRuntime : IContainerRuntime
{
    public Task<string> CreateAndStartAsync(ContainerSpec spec, CancellationToken ct = default) =>
        throw new NotSupportedException("In-memory page tests start no containers.");

    public Task<ContainerHealth> WaitHealthyAsync(string containerId, string? healthCheckPath, int port, TimeSpan timeout, CancellationToken ct = default) =>
        throw new NotSupportedException("In-memory page tests start no containers.");

    public Task<string?> AddressAsync(string containerId, string network, CancellationToken ct = default) => Task.FromResult<string?>(null);

    public Task StopAndRemoveAsync(string containerId, CancellationToken ct = default) => Task.CompletedTask;

    public Task RemoveImageAsync(string tag, CancellationToken ct = default) => Task.CompletedTask;

    public Task<IReadOnlyList<string>> ListContainersAsync(IReadOnlyDictionary<string, string> labelFilter, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    public Task<IReadOnlyList<EngineContainer>> ListLabelledAsync(IReadOnlyDictionary<string, string> labelFilter, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<EngineContainer>>([]);
}

/// <summary>
/// For component tests over in-memory projects that list services but never run one: every engine call is refused
/// the way an unreachable engine is, so a test that tries to create or start a service sees a clear failure.
/// </summary>
internal sealed class NoServiceRuntime : IServiceRuntime, IImagePuller, IVolumeStore, INetworkStore
{
    private static EngineException None() => new("No Docker engine in this test.");

    public Task EnsureImageAsync(string image, IProgress<ImagePullProgress>? progress, CancellationToken ct = default) => throw None();

    public Task EnsureVolumeAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct = default) => throw None();

    public Task<IReadOnlyDictionary<string, string>?> GetLabelsAsync(string name, CancellationToken ct = default) => throw None();

    public Task RemoveVolumeAsync(string name, CancellationToken ct = default) => throw None();

    public Task<IReadOnlyList<EngineNetwork>> FindByNameAsync(string name, CancellationToken ct = default) => throw None();

    public Task<string?> CreateAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct = default) => throw None();

    public Task RemoveAsync(string networkId, CancellationToken ct = default) => throw None();

    public Task<IReadOnlyList<EngineNetwork>> ListAsync(IReadOnlyDictionary<string, string> labelFilter, CancellationToken ct = default) => throw None();

    public Task ConnectAsync(string networkId, string containerId, IReadOnlyList<string> aliases, CancellationToken ct = default) => throw None();

    public Task DisconnectAsync(string networkId, string containerId, CancellationToken ct = default) => throw None();

    public Task<IReadOnlyList<string>> ListVolumesAsync(IReadOnlyDictionary<string, string> labelFilter, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    public Task<bool> StartAsync(string containerId, CancellationToken ct = default) => throw None();

    public Task<bool> StopAsync(string containerId, CancellationToken ct = default) => throw None();

    public Task<ServiceHealth> WaitHealthyAsync(string containerId, string network, GoForge.Core.Catalog.TemplateHealthCheck? check, TimeSpan timeout, CancellationToken ct = default) =>
        throw None();
}

/// <summary>The compose rows for in-memory page tests: none (no application there was deployed from a compose file).</summary>
internal sealed class NoComposeDeployments : GoForge.Core.Compose.IComposeDeployments
{
    public Task SaveSnapshotAsync(Guid deploymentId, GoForge.Core.Compose.ComposeSnapshot snapshot, CancellationToken ct = default) =>
        throw new NotSupportedException("In-memory tests store no compose deployment.");

    public Task<GoForge.Core.Compose.ComposeSnapshot?> GetSnapshotAsync(Guid deploymentId, CancellationToken ct = default) =>
        Task.FromResult<GoForge.Core.Compose.ComposeSnapshot?>(null);

    public Task SaveServiceAsync(Guid deploymentId, GoForge.Core.Compose.ComposeServiceRecord record, CancellationToken ct = default) =>
        throw new NotSupportedException("In-memory tests store no compose deployment.");

    public Task<IReadOnlyList<GoForge.Core.Compose.ComposeServiceRecord>> ListServicesAsync(Guid deploymentId, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<GoForge.Core.Compose.ComposeServiceRecord>>([]);
}
