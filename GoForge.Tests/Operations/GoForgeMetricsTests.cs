using System.Diagnostics.Metrics;
using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;
using GoForge.Core.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Operations;

/// <summary>GoForge's own instruments, read with the BCL's <see cref="MeterListener"/> (no exporter involved).</summary>
public sealed class GoForgeMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = [];
    private readonly GoForgeMetrics _metrics;

    public GoForgeMetricsTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _metrics = new GoForgeMetrics(factory);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this test's meter: other hosts in the test process have meters of the same name.
            if (instrument.Meter.Name == GoForgeMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    [Theory]
    [InlineData(DeploymentState.Running, "succeeded")]
    [InlineData(DeploymentState.Failed, "failed")]
    [InlineData(DeploymentState.Canceled, "canceled")]
    [InlineData(DeploymentState.Superseded, "superseded")]
    public void An_ended_deployment_is_counted_and_timed_by_outcome(DeploymentState state, string outcome)
    {
        _metrics.DeploymentEnded(state, TimeSpan.FromSeconds(12.5));

        var counted = Assert.Single(_measurements, m => m.Instrument == "goforge.deployments");
        Assert.Equal(1, counted.Value);
        Assert.Equal(outcome, counted.Tags["outcome"]);
        var timed = Assert.Single(_measurements, m => m.Instrument == "goforge.deployment.duration");
        Assert.Equal(12.5, timed.Value);
        Assert.Equal(outcome, timed.Tags["outcome"]);
    }

    [Fact]
    public void A_deployment_interrupted_by_a_restart_is_counted_without_a_duration()
    {
        _metrics.DeploymentEnded(DeploymentState.Failed, duration: null);

        Assert.Single(_measurements, m => m.Instrument == "goforge.deployments");
        Assert.DoesNotContain(_measurements, m => m.Instrument == "goforge.deployment.duration");
    }

    [Fact]
    public void The_gauges_report_the_queue_as_last_counted_and_the_runs_in_progress()
    {
        _metrics.DeploymentsQueued(4);
        _metrics.DeploymentRunStarted();
        _metrics.DeploymentRunStarted();
        _metrics.DeploymentRunStarted();
        _metrics.DeploymentRunFinished();

        _listener.RecordObservableInstruments();

        Assert.Equal(4, Assert.Single(_measurements, m => m.Instrument == "goforge.deployments.queued").Value);
        Assert.Equal(2, Assert.Single(_measurements, m => m.Instrument == "goforge.deployments.active").Value);
    }

    [Fact]
    public void A_webhook_delivery_is_counted_by_provider_and_outcome()
    {
        _metrics.WebhookDelivery(WebhookProvider.GitLab, WebhookDeliveryOutcomes.Of(WebhookOutcome.Ignored));

        var counted = Assert.Single(_measurements, m => m.Instrument == "goforge.webhook.deliveries");
        Assert.Equal("gitlab", counted.Tags["provider"]);
        Assert.Equal("ignored", counted.Tags["outcome"]);
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copied = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, tagValue) in tags)
        {
            copied[key] = tagValue;
        }

        lock (_measurements)
        {
            _measurements.Add((instrument.Name, value, copied));
        }
    }
}
