using System.Diagnostics.Metrics;
using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;

namespace GoForge.Core.Operations;

/// <summary>
/// GoForge's own instruments, on one <see cref="Meter"/> named <see cref="MeterName"/> (the BCL's metrics API: Core
/// knows nothing of OpenTelemetry; the web host exports the meter). Made through the host's <see cref="IMeterFactory"/>,
/// so two hosts in one process (tests) keep their figures apart. docs/operations.md lists every instrument.
/// </summary>
public sealed class GoForgeMetrics
{
    public const string MeterName = "GoForge";

    private readonly Counter<long> _deployments;
    private readonly Histogram<double> _deploymentDuration;
    private readonly Counter<long> _webhookDeliveries;
    private int _queued;
    private int _active;

    public GoForgeMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _deployments = meter.CreateCounter<long>("goforge.deployments", "{deployment}",
            "Deployments whose run by the worker ended, by outcome (succeeded, failed, canceled).");
        _deploymentDuration = meter.CreateHistogram("goforge.deployment.duration", "s",
            "Time from the worker picking a deployment up to its run ending (clone, build, health check, switch), by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800] });
        meter.CreateObservableGauge("goforge.deployments.queued", () => Volatile.Read(ref _queued), "{deployment}",
            "Deployments waiting in the queue (pending), as the worker last counted them.");
        meter.CreateObservableGauge("goforge.deployments.active", () => Volatile.Read(ref _active), "{deployment}",
            "Deployments this panel's worker is running now.");
        _webhookDeliveries = meter.CreateCounter<long>("goforge.webhook.deliveries", "{delivery}",
            "Webhook requests by provider and outcome (deployed, ignored, duplicate, rejected, failed, invalid, not_found).");
    }

    /// <summary>A deployment's run ended in <paramref name="state"/>; <paramref name="duration"/> is null when it did not run here (interrupted by a restart).</summary>
    public void DeploymentEnded(DeploymentState state, TimeSpan? duration)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", OutcomeOf(state));
        _deployments.Add(1, outcome);
        if (duration is { } elapsed)
        {
            _deploymentDuration.Record(elapsed.TotalSeconds, outcome);
        }
    }

    /// <summary>The worker's latest count of the queue.</summary>
    public void DeploymentsQueued(int queued) => Volatile.Write(ref _queued, queued);

    /// <summary>The worker took a deployment up; <see cref="DeploymentRunFinished"/> follows when its run returns.</summary>
    public void DeploymentRunStarted() => Interlocked.Increment(ref _active);

    public void DeploymentRunFinished() => Interlocked.Decrement(ref _active);

    public void WebhookDelivery(WebhookProvider provider, string outcome) =>
        _webhookDeliveries.Add(1,
            new KeyValuePair<string, object?>("provider", provider.ToString().ToLowerInvariant()),
            new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Running is the one success; any other state names itself (a run that stopped early without an end state shows as its state).</summary>
    public static string OutcomeOf(DeploymentState state) => state switch
    {
        DeploymentState.Running => "succeeded",
        DeploymentState.RolledBack => "rolled_back",
        _ => state.ToString().ToLowerInvariant(),
    };
}

/// <summary>The outcome tags of <c>goforge.webhook.deliveries</c>.</summary>
public static class WebhookDeliveryOutcomes
{
    public const string Deployed = "deployed";
    public const string Ignored = "ignored";

    /// <summary>A redelivery of a delivery handled before: nothing done again.</summary>
    public const string Duplicate = "duplicate";

    /// <summary>Not authentic: no secret, or the signature does not match.</summary>
    public const string Rejected = "rejected";

    /// <summary>Authentic, but the deployment could not be queued.</summary>
    public const string Failed = "failed";

    /// <summary>Not a payload the provider sends (too large, unreadable, wrong media type).</summary>
    public const string Invalid = "invalid";

    /// <summary>The URL names no application.</summary>
    public const string NotFound = "not_found";

    public static string Of(WebhookOutcome outcome) => outcome switch
    {
        WebhookOutcome.Deployed => Deployed,
        WebhookOutcome.Ignored => Ignored,
        WebhookOutcome.Rejected => Rejected,
        WebhookOutcome.Failed => Failed,
        _ => outcome.ToString().ToLowerInvariant(),
    };
}
