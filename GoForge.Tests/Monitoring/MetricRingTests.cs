using GoForge.Core.Monitoring;

namespace GoForge.Tests.Monitoring;

public sealed class MetricRingTests
{
    [Fact]
    public void A_ring_below_capacity_returns_everything_in_order()
    {
        var ring = new MetricRing<int>(4);
        ring.Add(1);
        ring.Add(2);

        Assert.Equal([1, 2], ring.Snapshot());
    }

    [Fact]
    public void A_full_ring_drops_the_oldest_and_stays_at_capacity()
    {
        var ring = new MetricRing<int>(3);
        for (var i = 1; i <= 10; i++)
        {
            ring.Add(i);
        }

        Assert.Equal([8, 9, 10], ring.Snapshot());
        Assert.Equal(3, ring.Count);
    }

    [Fact]
    public void A_capacity_below_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetricRing<int>(0));
}
