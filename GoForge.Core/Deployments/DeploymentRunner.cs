using System.Globalization;
using GoForge.Core.Projects;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Deployments;

/// <summary>
/// The pipeline's steps for one deployment, from Cloning on: clone the exact commit, build the image, start the
/// container start-first, wait until it is healthy, then retire the previous one. Every step's state is persisted
/// before the step starts; every log line is masked before it is stored.
/// </summary>
public sealed class DeploymentRunner(
    IDeploymentRepository deployments,
    DeploymentStates states,
    DeploymentCancellations cancellations,
    IApplicationRepository applications,
    IEnvironmentRepository environments,
    IProjectRepository projects,
    IEnvironmentVariableRepository variables,
    IGitClient git,
    IImageBuilder images,
    IContainerRuntime containers,
    ImageRetention retention,
    DeploymentFeed feed,
    IOptions<DeploymentOptions> options,
    TimeProvider time) : IDeploymentRunner
{
    public async Task RunAsync(Deployment deployment, CancellationToken ct)
    {
        var settings = options.Value;
        using var cancel = cancellations.Register(deployment.Id, ct);
        var workDirectory = Path.Combine(settings.WorkDirectory, deployment.Id.ToString("N"));
        var log = new DeploymentLog(deployments, feed, deployment, time);
        try
        {
            var app = await applications.GetAsync(deployment.ApplicationId, cancel.Token);
            var environment = app is null ? null : await environments.GetAsync(app.EnvironmentId, cancel.Token);
            var project = app is null ? null : await projects.GetAsync(app.ProjectId, cancel.Token);
            if (app is null || environment is null || project is null)
            {
                await FailAsync(deployment.Id, "the application no longer exists");
                return;
            }

            var vars = await variables.ListAsync(app.Id, cancel.Token);
            log.Masker = new SecretMasker(vars.Where(v => v.IsSecret).Select(v => v.Value));
            string tag;
            if (deployment.RollbackOf is { } target && deployment.ImageTag is { } kept)
            {
                // A rollback: the image of an earlier deployment is started again through the same deploy step.
                await log.WriteAsync($"Rolling back to deployment {target} (image {kept})");
                tag = kept;
            }
            else
            {
                tag = $"goforge/{app.Slug}:{deployment.Id:N}";
                if (!await CloneAndBuildAsync(deployment, app, vars, tag, workDirectory, log, settings, cancel))
                {
                    return;
                }
            }

            await DeployAsync(deployment, app, environment, project, vars, tag, log, settings, cancel);
            await retention.PruneAsync(app, log.WriteAsync, CancellationToken.None);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // A user's cancel: the state is Canceled already; only clean up.
            await log.WriteAsync("Canceled.");
        }
        finally
        {
            cancellations.Unregister(deployment.Id);
            DeleteFolder(workDirectory);
        }
    }

    private async Task<bool> CloneAndBuildAsync(Deployment deployment, Application app, IReadOnlyList<EnvironmentVariable> vars, string tag,
        string workDirectory, DeploymentLog log, DeploymentOptions settings, CancellationTokenSource cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token);
        timeout.CancelAfter(settings.BuildTimeout);
        try
        {
            await log.WriteAsync($"Cloning {app.Branch}{(deployment.CommitSha is null ? "" : " at " + deployment.CommitSha)}");
            var commit = await git.CloneAsync(new GitCloneRequest(app.GitUrl, app.Branch, deployment.CommitSha, workDirectory, null), log.Progress(), timeout.Token);
            await deployments.RecordCommitAsync(deployment.Id, commit, timeout.Token);
            await log.WriteAsync($"Commit {commit.Sha[..12]} by {commit.Author}: {FirstLine(commit.Message)}");
            if (!(await states.TransitionAsync(deployment.Id, DeploymentTrigger.CloneSucceeded, TransitionRequest.System("clone ok"), timeout.Token)).IsSuccess)
            {
                return false;
            }

            var context = Path.GetFullPath(Path.Combine(workDirectory, app.BuildContext));
            var dockerfile = Path.GetRelativePath(context, Path.Combine(workDirectory, app.DockerfilePath));
            var labels = new Dictionary<string, string>
            {
                ["goforge.managed"] = "true",
                ["goforge.app"] = app.Id.ToString(),
                ["goforge.deployment"] = deployment.Id.ToString(),
                ["goforge.commit"] = commit.Sha,
            };
            var buildArgs = vars.Where(v => v.IsBuildTime).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
            await images.BuildAsync(new ImageBuildRequest(context, dockerfile, tag, buildArgs, labels), log.Progress(), timeout.Token);
            await deployments.RecordArtifactsAsync(deployment.Id, tag, null, timeout.Token);
            return (await states.TransitionAsync(deployment.Id, DeploymentTrigger.BuildSucceeded, TransitionRequest.System("build ok"), timeout.Token)).IsSuccess;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancel.IsCancellationRequested)
        {
            await FailAsync(deployment.Id, $"timed out after {settings.BuildTimeout.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min", log);
            return false;
        }
        catch (Exception e) when (e is GitCloneException or ImageBuildException or ArgumentException)
        {
            await FailAsync(deployment.Id, log.Masker.Apply(e.Message), log);
            return false;
        }
    }

    private async Task DeployAsync(Deployment deployment, Application app, ProjectEnvironment environment, Project project,
        IReadOnlyList<EnvironmentVariable> vars, string tag, DeploymentLog log, DeploymentOptions settings, CancellationTokenSource cancel)
    {
        var spec = new ContainerSpec
        {
            Name = $"goforge-{app.Slug}-{deployment.Id.ToString("N")[..12]}",
            Image = tag,
            Network = $"goforge-{project.Slug}-{environment.Slug}",
            ContainerPort = app.ContainerPort,
            Env = vars.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal),
            Labels = new Dictionary<string, string>
            {
                ["goforge.managed"] = "true",
                ["goforge.app"] = app.Id.ToString(),
                ["goforge.deployment"] = deployment.Id.ToString(),
            },
            MemoryLimitMb = app.MemoryLimitMb,
            CpuLimit = app.CpuLimit is { } cpus ? (double)cpus : null,
            RestartPolicy = app.RestartPolicy,
            HealthCheckPath = app.HealthCheckPath,
        };

        string containerId;
        try
        {
            await log.WriteAsync($"Starting {spec.Name} on {spec.Network}");
            containerId = await containers.CreateAndStartAsync(spec, CancellationToken.None);
        }
        catch (ContainerRuntimeException e)
        {
            await FailAsync(deployment.Id, log.Masker.Apply(e.Message), log);
            return;
        }

        await deployments.RecordArtifactsAsync(deployment.Id, null, containerId, CancellationToken.None);
        var health = await containers.WaitHealthyAsync(containerId, app.HealthCheckPath, app.ContainerPort, settings.DeployTimeout, cancel.Token);
        if (!health.IsHealthy)
        {
            foreach (var line in health.LastLogLines)
            {
                await log.WriteAsync(line);
            }

            // The new container never became healthy: remove it; the previous one was never touched and keeps serving.
            await containers.StopAndRemoveAsync(containerId, CancellationToken.None);
            await FailAsync(deployment.Id, $"not healthy: {log.Masker.Apply(health.Reason)}", log);
            return;
        }

        var previous = await deployments.ListRunningAsync(app.Id, CancellationToken.None);
        if (!(await states.TransitionAsync(deployment.Id, DeploymentTrigger.BecameHealthy, TransitionRequest.System("healthy"), CancellationToken.None)).IsSuccess)
        {
            await containers.StopAndRemoveAsync(containerId, CancellationToken.None);
            return;
        }

        await log.WriteAsync("Healthy: the new container serves now.");
        foreach (var old in previous)
        {
            // A rollback's predecessor is RolledBack; any other's is Superseded. Either way its container goes.
            _ = deployment.Source == DeploymentSource.Rollback
                ? await states.TransitionAsync(old.Id, DeploymentTrigger.RollBack,
                    TransitionRequest.System($"rolled back by {deployment.Id}") with { RollbackTargetExists = true }, CancellationToken.None)
                : await states.TransitionAsync(old.Id, DeploymentTrigger.Supersede, TransitionRequest.System($"replaced by {deployment.Id}"), CancellationToken.None);
            if (old.ContainerId is { } oldContainer)
            {
                await containers.StopAndRemoveAsync(oldContainer, CancellationToken.None);
            }
        }
    }

    private async Task FailAsync(Guid deploymentId, string reason, DeploymentLog? log = null)
    {
        if (log is not null)
        {
            await log.WriteAsync("Failed: " + reason);
        }

        await states.TransitionAsync(deploymentId, DeploymentTrigger.Fail, TransitionRequest.System(reason), CancellationToken.None);
    }

    private static string FirstLine(string message) => message.Split('\n')[0];

    private static void DeleteFolder(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Left for the next start's clean-up; never fails a deployment.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// Masks, stores and publishes one deployment's log lines in order. Lines written while a write is on its way
    /// are stored together in the next one (one round trip per batch, not per line), so a chatty build does not
    /// wait on the database. <see cref="WriteAsync"/> completes once its line is stored. A failed write loses those
    /// lines, never the deployment.
    /// </summary>
    private sealed class DeploymentLog(IDeploymentRepository repository, DeploymentFeed feed, Deployment deployment, TimeProvider time)
    {
        private const int MaxBatch = 1000;
        private readonly Lock _gate = new();
        private readonly List<string> _pending = [];
        private TaskCompletionSource? _pendingStored;
        private bool _writing;

        public SecretMasker Masker { get; set; } = SecretMasker.None;

        public Task WriteAsync(string line)
        {
            var masked = Masker.Apply(line);
            lock (_gate)
            {
                _pending.Add(masked);
                _pendingStored ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var stored = _pendingStored.Task;
                if (!_writing)
                {
                    _writing = true;
                    _ = Task.Run(WriteBatchesAsync);
                }

                return stored;
            }
        }

        public IProgress<string> Progress() => new LogProgress(this);

        private async Task WriteBatchesAsync()
        {
            while (true)
            {
                List<string> batch;
                TaskCompletionSource? stored = null;
                lock (_gate)
                {
                    if (_pending.Count == 0)
                    {
                        _writing = false;
                        return;
                    }

                    var take = Math.Min(MaxBatch, _pending.Count);
                    batch = _pending.GetRange(0, take);
                    _pending.RemoveRange(0, take);
                    if (_pending.Count == 0)
                    {
                        stored = _pendingStored;
                        _pendingStored = null;
                    }
                }

                try
                {
                    var lines = await repository.AppendLogAsync(deployment.Id, batch, time.GetUtcNow(), CancellationToken.None);
                    feed.Publish(new DeploymentLogAppended(deployment.Id, deployment.ApplicationId, lines));
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Logging must not fail a deployment.
                }

                stored?.TrySetResult();
            }
        }

        private sealed class LogProgress(DeploymentLog log) : IProgress<string>
        {
            public void Report(string value) => _ = log.WriteAsync(value);
        }
    }
}
