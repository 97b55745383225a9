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
    IOptions<DeploymentOptions> options,
    TimeProvider time) : IDeploymentRunner
{
    public async Task RunAsync(Deployment deployment, CancellationToken ct)
    {
        var settings = options.Value;
        using var cancel = cancellations.Register(deployment.Id, ct);
        var workDirectory = Path.Combine(settings.WorkDirectory, deployment.Id.ToString("N"));
        var log = new DeploymentLog(deployments, deployment.Id, time);
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
            var tag = $"goforge/{app.Slug}:{deployment.Id:N}";
            var built = await CloneAndBuildAsync(deployment, app, vars, tag, workDirectory, log, settings, cancel);
            if (!built)
            {
                return;
            }

            await DeployAsync(deployment, app, environment, project, vars, tag, log, settings, cancel);
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
            await states.TransitionAsync(old.Id, DeploymentTrigger.Supersede, TransitionRequest.System($"replaced by {deployment.Id}"), CancellationToken.None);
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
    /// Masks and stores one deployment's log lines in order. Every write, direct or from a progress callback, goes
    /// through one chain, so lines keep their order and never race for a line number. A failed write loses that
    /// line, never the deployment.
    /// </summary>
    private sealed class DeploymentLog(IDeploymentRepository repository, Guid deploymentId, TimeProvider time)
    {
        private readonly Lock _gate = new();
        private Task _tail = Task.CompletedTask;

        public SecretMasker Masker { get; set; } = SecretMasker.None;

        public Task WriteAsync(string line)
        {
            var masked = Masker.Apply(line);
            lock (_gate)
            {
                _tail = _tail.ContinueWith(async _ =>
                {
                    try
                    {
                        await repository.AppendLogAsync(deploymentId, [masked], time.GetUtcNow(), CancellationToken.None);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        // Logging must not fail a deployment.
                    }
                }, TaskScheduler.Default).Unwrap();
                return _tail;
            }
        }

        public IProgress<string> Progress() => new LogProgress(this);

        private sealed class LogProgress(DeploymentLog log) : IProgress<string>
        {
            public void Report(string value) => _ = log.WriteAsync(value);
        }
    }
}
