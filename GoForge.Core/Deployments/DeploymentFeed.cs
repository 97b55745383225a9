using System.Collections.Concurrent;

namespace GoForge.Core.Deployments;

/// <summary>Something that happened to a deployment, pushed to whoever watches it.</summary>
public abstract record DeploymentUpdate(Guid DeploymentId, Guid ApplicationId);

/// <summary>The deployment moved to a new state (its row is already in the database); <see cref="Deployment"/> is as it is now.</summary>
public sealed record DeploymentStateChanged(Deployment Deployment) : DeploymentUpdate(Deployment.Id, Deployment.ApplicationId);

/// <summary>Log lines stored for the deployment, numbered as in the database, already masked.</summary>
public sealed record DeploymentLogAppended(Guid DeploymentId, Guid ApplicationId, IReadOnlyList<DeploymentLogLine> Lines)
    : DeploymentUpdate(DeploymentId, ApplicationId);

/// <summary>
/// In-process fan-out of deployment updates to live viewers (Blazor circuits). Publishers call
/// <see cref="Publish"/> after the change is stored; subscribers get it on the publisher's thread and must hand it
/// off quickly (a component calls <c>InvokeAsync</c>). A failing subscriber never affects the publisher or the others.
/// Subscriptions are per application; <see cref="DeploymentService"/> checks the viewer's access before it subscribes.
/// </summary>
public sealed class DeploymentFeed
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Subscription, byte>> _byApplication = new();

    /// <summary>Number of live subscriptions (for tests and diagnostics).</summary>
    public int SubscriberCount => _byApplication.Values.Sum(s => s.Count);

    /// <summary>Calls <paramref name="handler"/> for every update of the application's deployments until the result is disposed.</summary>
    public IDisposable Subscribe(Guid applicationId, Action<DeploymentUpdate> handler)
    {
        var subscription = new Subscription(this, applicationId, handler);
        _byApplication.GetOrAdd(applicationId, _ => new ConcurrentDictionary<Subscription, byte>())[subscription] = 0;
        return subscription;
    }

    public void Publish(DeploymentUpdate update)
    {
        if (!_byApplication.TryGetValue(update.ApplicationId, out var subscribers))
        {
            return;
        }

        foreach (var subscriber in subscribers.Keys)
        {
            try
            {
                subscriber.Handler(update);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A viewer's failure is its own; the deployment and the other viewers go on.
            }
        }
    }

    private void Remove(Subscription subscription)
    {
        if (_byApplication.TryGetValue(subscription.ApplicationId, out var subscribers))
        {
            subscribers.TryRemove(subscription, out _);
        }
    }

    private sealed class Subscription(DeploymentFeed feed, Guid applicationId, Action<DeploymentUpdate> handler) : IDisposable
    {
        public Guid ApplicationId { get; } = applicationId;

        public Action<DeploymentUpdate> Handler { get; } = handler;

        public void Dispose() => feed.Remove(this);
    }
}
