using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Registry;

/// <summary>
/// The "check for a new digest every N minutes" setting of image applications: asks the registry (through the
/// engine, without pulling) for the digest of the application's reference, and when it differs from the running
/// deployment's, queues a deployment (<see cref="DeploymentSource.ImageUpdate"/>). An application with a deployment
/// pending or active, with nothing running, or pinned by digest is not asked about. When each application was last
/// asked is kept in memory: after a restart every application is due once.
/// </summary>
public sealed partial class DigestCheck(
    IRegistryCredentialRepository registry,
    IApplicationRepository applications,
    IRegistryImages images,
    DeploymentService deployments,
    IOptions<RegistryOptions> options,
    TimeProvider time,
    ILogger<DigestCheck> logger) : IDisposable
{
    private readonly Dictionary<Guid, DateTimeOffset> _lastChecked = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Checks every application that is due; returns the deployments it queued.</summary>
    public async Task<IReadOnlyList<Deployment>> RunDueAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var queued = new List<Deployment>();
            var now = time.GetUtcNow();
            var targets = await registry.ListDigestChecksAsync(ct);
            foreach (var gone in _lastChecked.Keys.Except(targets.Select(t => t.ApplicationId)).ToList())
            {
                _lastChecked.Remove(gone);
            }

            foreach (var target in targets)
            {
                if (_lastChecked.TryGetValue(target.ApplicationId, out var last) && now - last < TimeSpan.FromMinutes(target.Minutes))
                {
                    continue;
                }

                _lastChecked[target.ApplicationId] = now;
                if (await CheckAsync(target, ct) is { } deployment)
                {
                    queued.Add(deployment);
                }
            }

            return queued;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<Deployment?> CheckAsync(DigestCheckTarget target, CancellationToken ct)
    {
        if (target.HasActiveOrPending || target.RunningDigest is null || !ImageReference.TryParse(target.ImageReference, out var reference, out _) || reference.Digest is not null)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.DigestCheckTimeout);
        try
        {
            var auth = await registry.GetAsync(target.ApplicationId, timeout.Token);
            if (auth is not null && !string.Equals(auth.Registry, reference.RegistryHost, StringComparison.OrdinalIgnoreCase))
            {
                auth = null;
            }

            var remote = await images.RemoteDigestAsync(reference, auth, timeout.Token);
            if (string.Equals(remote, target.RunningDigest, StringComparison.Ordinal))
            {
                LogSame(logger, target.ApplicationId, remote);
                return null;
            }

            if (await applications.GetAsync(target.ApplicationId, timeout.Token) is not { Source: ApplicationSourceKind.Image } app)
            {
                return null;
            }

            var deployment = await deployments.QueueImageUpdateAsync(app, $"digest check: {reference} is now {remote}, {target.RunningDigest} runs", ct);
            LogQueued(logger, target.ApplicationId, remote, deployment.Id);
            return deployment;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            LogFailed(logger, target.ApplicationId, $"no answer within {options.Value.DigestCheckTimeout.TotalSeconds:0} s");
            return null;
        }
        catch (EngineException e)
        {
            // The registry is down or refuses: the next check asks again; the running deployment is untouched.
            LogFailed(logger, target.ApplicationId, e.EngineError);
            return null;
        }
    }

    [LoggerMessage(EventId = 7251, Level = LogLevel.Debug, Message = "Digest check of application {ApplicationId}: {Digest} runs already")]
    private static partial void LogSame(ILogger logger, Guid applicationId, string digest);

    [LoggerMessage(EventId = 7252, Level = LogLevel.Information, Message = "Digest check of application {ApplicationId}: the registry has {Digest}; queued deployment {DeploymentId}")]
    private static partial void LogQueued(ILogger logger, Guid applicationId, string digest, Guid deploymentId);

    [LoggerMessage(EventId = 7253, Level = LogLevel.Warning, Message = "Digest check of application {ApplicationId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, Guid applicationId, string reason);
}
