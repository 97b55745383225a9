using System.Diagnostics.Metrics;

namespace GoForge.Core.Operations;

/// <summary>
/// GoForge's own instruments, on one <see cref="Meter"/> named <see cref="MeterName"/> (the BCL's metrics API: Core
/// knows nothing of OpenTelemetry; the web host exports the meter). Made through the host's <see cref="IMeterFactory"/>,
/// so two hosts in one process (tests) keep their figures apart. docs/operations.md lists every instrument. Tags are
/// plain strings: the features name their own outcomes (<c>DeploymentMetrics</c>, <c>WebhookDeliveryOutcomes</c>), so
/// Operations depends on no feature.
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

    /// <summary>A deployment's run ended with <paramref name="outcome"/>; <paramref name="duration"/> is null when it did not run here (interrupted by a restart).</summary>
    public void DeploymentEnded(string outcome, TimeSpan? duration)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        _deployments.Add(1, tag);
        if (duration is { } elapsed)
        {
            _deploymentDuration.Record(elapsed.TotalSeconds, tag);
        }
    }

    /// <summary>The worker's latest count of the queue.</summary>
    public void DeploymentsQueued(int queued) => Volatile.Write(ref _queued, queued);

    /// <summary>The worker took a deployment up; <see cref="DeploymentRunFinished"/> follows when its run returns.</summary>
    public void DeploymentRunStarted() => Interlocked.Increment(ref _active);

    public void DeploymentRunFinished() => Interlocked.Decrement(ref _active);

    /// <summary>A webhook request from <paramref name="provider"/> (lower case) was answered with <paramref name="outcome"/>.</summary>
    public void WebhookDelivery(string provider, string outcome) =>
        _webhookDeliveries.Add(1,
            new KeyValuePair<string, object?>("provider", provider),
            new KeyValuePair<string, object?>("outcome", outcome));
}
