using System.Globalization;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Registry;

/// <summary>
/// The Pulling step of an image application's deployment: pull the reference with the application's credential
/// (progress in the deployment log), record the digest, and either end Unchanged (the digest runs already and no
/// forced deploy was asked for) or make the pulled image the deployment's own tag (<c>goforge/&lt;slug&gt;:&lt;id&gt;</c>,
/// like a built image, so retention and rollback keep working) and move on to Deploying.
/// </summary>
public sealed partial class ImagePullStep(
    IRegistryImages images,
    IRegistryCredentialRepository credentials,
    IDeploymentRepository deployments,
    DeploymentStates states,
    IOptions<RegistryOptions> options,
    TimeProvider time,
    ILogger<ImagePullStep> logger) : IImagePullStep
{
    public const string UnchangedReason = "digest unchanged: nothing to deploy";

    /// <summary>Runs the step from Pulling; the credential's password is added to the log's masker before anything is logged.</summary>
    Task<PullOutcome> IImagePullStep.RunAsync(Deployment deployment, Application app, string tag, DeploymentLog log, CancellationToken cancel) =>
        RunAsync(deployment, app, tag, log, cancel);

    /// <summary>Runs the step from Pulling: see <see cref="IImagePullStep"/>.</summary>
    internal async Task<PullOutcome> RunAsync(Deployment deployment, Application app, string tag, DeploymentLog log, CancellationToken cancel)
    {
        var timeoutAfter = options.Value.PullTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(timeoutAfter);
        try
        {
            var reference = ImageReference.Parse(deployment.ImageReference!);
            var auth = await credentials.GetAsync(app.Id, timeout.Token);
            if (auth is not null && !string.Equals(auth.Registry, reference.RegistryHost, StringComparison.OrdinalIgnoreCase))
            {
                // The reference moved to another registry since the credential was set: it is never sent elsewhere.
                log.Write($"The registry credential is for {auth.Registry}, not {reference.RegistryHost}: pulling without credentials");
                auth = null;
            }

            if (auth is not null)
            {
                log.Masker = log.Masker.With(auth.Password);
            }

            log.Write(auth is null ? $"Pulling {reference}" : $"Pulling {reference} as {auth.Username}");
            var started = time.GetTimestamp();
            var pulled = await images.PullAsync(reference, auth, new PullLog(log), timeout.Token);
            await credentials.RecordDigestAsync(deployment.Id, pulled.Digest, timeout.Token);
            log.Write($"Pulled {reference} in {Seconds(time.GetElapsedTime(started))} s: digest {pulled.Digest}");

            var running = await deployments.ListRunningAsync(app.Id, timeout.Token);
            if (!deployment.ForceDeploy && running.Count > 0 && running.All(r => r.ImageDigest == pulled.Digest))
            {
                await log.WriteAsync($"The running deployment has digest {pulled.Digest} already: {UnchangedReason}.");
                LogUnchanged(logger, deployment.Id, pulled.Digest);
                await states.TransitionAsync(deployment.Id, DeploymentTrigger.DigestUnchanged, TransitionRequest.System(UnchangedReason), CancellationToken.None);
                return PullOutcome.Ended;
            }

            if (deployment.ForceDeploy && running.Any(r => r.ImageDigest == pulled.Digest))
            {
                log.Write("The digest runs already; deploying anyway, as asked (force)");
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [GoForgeLabels.App] = app.Id.ToString(),
                [GoForgeLabels.Deployment] = deployment.Id.ToString(),
            };
            await images.AdoptAsync(pulled, tag, labels, timeout.Token);
            await deployments.RecordArtifactsAsync(deployment.Id, tag, null, timeout.Token);
            return (await states.TransitionAsync(deployment.Id, DeploymentTrigger.PullSucceeded, TransitionRequest.System("pull ok"), timeout.Token)).IsSuccess
                ? PullOutcome.Deploy
                : PullOutcome.Ended;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancel.IsCancellationRequested)
        {
            await FailAsync(deployment.Id, $"the pull timed out after {timeoutAfter.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min", log);
            return PullOutcome.Ended;
        }
        catch (Exception e) when (e is EngineException or FormatException)
        {
            await FailAsync(deployment.Id, log.Masker.Apply(e.Message), log);
            return PullOutcome.Ended;
        }
    }

    private async Task FailAsync(Guid deploymentId, string reason, DeploymentLog log)
    {
        await log.WriteAsync("Failed: " + reason);
        await states.TransitionAsync(deploymentId, DeploymentTrigger.Fail, TransitionRequest.System(reason), CancellationToken.None);
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture);

    /// <summary>
    /// The pull's steps as log lines: every status a layer or the image reaches, and byte progress in quarters of the
    /// whole (the engine reports bytes many times a second; a log line each would drown the rest).
    /// </summary>
    private sealed class PullLog(DeploymentLog log) : IProgress<ImagePullProgress>
    {
        private readonly Services.ImagePullTally _tally = new();
        private int _quarter;

        public void Report(ImagePullProgress value)
        {
            _tally.Apply(value);
            if (value.Current is null)
            {
                log.Write(value.Text);
                return;
            }

            var quarter = (int)((_tally.Percent ?? 0) / 25);
            if (quarter > _quarter)
            {
                _quarter = quarter;
                log.Write($"Downloaded {_tally.Percent?.ToString("0", CultureInfo.InvariantCulture)} % of {_tally.Layers} layer(s)");
            }
        }
    }

    [LoggerMessage(EventId = 7250, Level = LogLevel.Information, Message = "Deployment {DeploymentId} pulled digest {Digest}, which runs already: nothing to deploy")]
    private static partial void LogUnchanged(ILogger logger, Guid deploymentId, string digest);
}
