namespace GoForge.Core.GitProviders;

/// <summary>Tells open Webhooks panels that a delivery of their application was stored or changed.</summary>
public sealed class WebhookFeed
{
    private readonly Lock _gate = new();
    private readonly List<(Guid ApplicationId, Action<WebhookDelivery> Handler)> _subscribers = [];

    /// <summary>Calls <paramref name="handler"/> (on the publisher's thread) for each delivery of <paramref name="applicationId"/> until disposed.</summary>
    public IDisposable Subscribe(Guid applicationId, Action<WebhookDelivery> handler)
    {
        var entry = (applicationId, handler);
        lock (_gate)
        {
            _subscribers.Add(entry);
        }

        return new Subscription(() =>
        {
            lock (_gate)
            {
                _subscribers.Remove(entry);
            }
        });
    }

    public void Publish(WebhookDelivery delivery)
    {
        Action<WebhookDelivery>[] handlers;
        lock (_gate)
        {
            handlers = _subscribers.Where(s => s.ApplicationId == delivery.ApplicationId).Select(s => s.Handler).ToArray();
        }

        foreach (var handler in handlers)
        {
            try
            {
                handler(delivery);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A viewer's failure is its own; the delivery and the other viewers go on.
            }
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
