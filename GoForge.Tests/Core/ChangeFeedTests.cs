using System.Collections.Concurrent;
using GoForge.Core.Common.Live;
using GoForge.Tests.Support;

namespace GoForge.Tests.Core;

public sealed class ChangeFeedTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly Guid _key = Guid.NewGuid();

    [Fact]
    public async Task Changes_of_a_key_arrive_in_publish_order_and_only_to_its_subscribers()
    {
        var feed = new ChangeFeed<Change>();
        var mine = new ConcurrentQueue<int>();
        var other = new ConcurrentQueue<int>();
        using var a = feed.Subscribe(_key, c => mine.Enqueue(c.N));
        using var b = feed.Subscribe(Guid.NewGuid(), c => other.Enqueue(c.N));

        for (var i = 1; i <= 100; i++)
        {
            feed.Publish(new Change(_key, i));
        }

        await Wait.UntilAsync(() => Task.FromResult(mine.Count == 100), "100 changes", Timeout);
        Assert.Equal(Enumerable.Range(1, 100), mine);
        Assert.Empty(other);
    }

    [Fact]
    public async Task A_disposed_subscription_gets_nothing_more_and_is_forgotten()
    {
        var feed = new ChangeFeed<Change>();
        var gone = new ConcurrentQueue<int>();
        var staying = new ConcurrentQueue<int>();
        var subscription = feed.Subscribe(_key, c => gone.Enqueue(c.N));
        using var witness = feed.Subscribe(_key, c => staying.Enqueue(c.N));
        feed.Publish(new Change(_key, 1));
        await Wait.UntilAsync(() => Task.FromResult(gone.Count == 1 && staying.Count == 1), "the first change at both", Timeout);

        subscription.Dispose();
        subscription.Dispose();
        feed.Publish(new Change(_key, 2));

        await Wait.UntilAsync(() => Task.FromResult(staying.Count == 2), "the second change at the one left", Timeout);
        Assert.Equal([1], gone);
        Assert.Equal(1, feed.SubscriberCount);
    }

    [Fact]
    public async Task A_slow_subscriber_blocks_neither_the_publisher_nor_the_others_and_catches_up_in_order()
    {
        var feed = new ChangeFeed<Change>();
        var release = new ManualResetEventSlim();
        var slow = new ConcurrentQueue<int>();
        var fast = new ConcurrentQueue<int>();
        using var a = feed.Subscribe(_key, c =>
        {
            release.Wait(Timeout);
            slow.Enqueue(c.N);
        });
        using var b = feed.Subscribe(_key, c => fast.Enqueue(c.N));

        // Publish runs no handler itself: it returns while the slow one is still stuck on the first change.
        for (var i = 1; i <= 10; i++)
        {
            feed.Publish(new Change(_key, i));
        }

        await Wait.UntilAsync(() => Task.FromResult(fast.Count == 10), "the fast subscriber to get all ten", Timeout);
        Assert.Empty(slow);

        release.Set();
        await Wait.UntilAsync(() => Task.FromResult(slow.Count == 10), "the slow subscriber to catch up", Timeout);
        Assert.Equal(Enumerable.Range(1, 10), slow);
        Assert.Equal(Enumerable.Range(1, 10), fast);
    }

    [Fact]
    public async Task A_subscriber_further_behind_than_the_capacity_loses_the_oldest_changes_only()
    {
        var feed = new ChangeFeed<Change>(capacity: 4);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new ManualResetEventSlim();
        var seen = new ConcurrentQueue<int>();
        using var subscription = feed.Subscribe(_key, c =>
        {
            started.TrySetResult();
            release.Wait(Timeout);
            seen.Enqueue(c.N);
        });

        feed.Publish(new Change(_key, 1));
        await started.Task.WaitAsync(Timeout);
        for (var i = 2; i <= 10; i++)
        {
            feed.Publish(new Change(_key, i));
        }

        release.Set();
        await Wait.UntilAsync(() => Task.FromResult(seen.Contains(10)), "the newest change", Timeout);
        Assert.Equal([1, 7, 8, 9, 10], seen);
    }

    [Fact]
    public async Task A_throwing_subscriber_keeps_its_later_changes_and_spoils_nobody_elses()
    {
        var feed = new ChangeFeed<Change>();
        var thrower = new ConcurrentQueue<int>();
        var other = new ConcurrentQueue<int>();
        using var a = feed.Subscribe(_key, c =>
        {
            thrower.Enqueue(c.N);
            throw new InvalidOperationException("a broken viewer");
        });
        using var b = feed.Subscribe(_key, c => other.Enqueue(c.N));

        feed.Publish(new Change(_key, 1));
        feed.Publish(new Change(_key, 2));

        await Wait.UntilAsync(() => Task.FromResult(thrower.Count == 2 && other.Count == 2), "both changes at both", Timeout);
        Assert.Equal([1, 2], thrower);
        Assert.Equal([1, 2], other);
    }

    [Fact]
    public async Task Concurrent_publishers_reach_every_subscriber_with_each_publishers_order_kept()
    {
        const int Publishers = 4;
        const int Each = 2000;
        var feed = new ChangeFeed<Change>(capacity: Publishers * Each);
        var received = Enumerable.Range(0, 3).Select(_ => new ConcurrentQueue<Change>()).ToArray();
        var subscriptions = received.Select(q => feed.Subscribe(_key, q.Enqueue)).ToList();
        try
        {
            using var start = new Barrier(Publishers);
            await Task.WhenAll(Enumerable.Range(0, Publishers).Select(p => Task.Run(() =>
            {
                start.SignalAndWait(Timeout);
                for (var i = 0; i < Each; i++)
                {
                    feed.Publish(new Change(_key, i, p));
                }
            })));

            await Wait.UntilAsync(() => Task.FromResult(received.All(q => q.Count == Publishers * Each)), "every change at every subscriber", Timeout);
            foreach (var queue in received)
            {
                for (var p = 0; p < Publishers; p++)
                {
                    Assert.Equal(Enumerable.Range(0, Each), queue.Where(c => c.Publisher == p).Select(c => c.N));
                }
            }
        }
        finally
        {
            subscriptions.ForEach(s => s.Dispose());
        }
    }

    private sealed record Change(Guid FeedKey, int N, int Publisher = 0) : IFeedChange;
}
