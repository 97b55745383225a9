using GoForge.Web.Components.Shared;
using Microsoft.Extensions.Time.Testing;

namespace GoForge.Tests.Components;

public sealed class RenderThrottleTests : IDisposable
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly DateTimeOffset Start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly List<DateTimeOffset> _renders = [];
    private readonly RenderThrottle _throttle;

    public RenderThrottleTests() => _throttle = new RenderThrottle(RenderAsync, _time, Second);

    [Fact]
    public void The_first_request_renders_at_once()
    {
        _throttle.Request();

        Assert.Equal([Start], _renders);
    }

    [Fact]
    public void A_burst_within_a_second_renders_once_more_one_second_after_the_first_render()
    {
        _throttle.Request();
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(150));
            _throttle.Request();
        }

        Assert.Equal([Start], _renders);
        _time.Advance(TimeSpan.FromMilliseconds(249));
        Assert.Single(_renders);

        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal([Start, Start + Second], _renders);
    }

    [Fact]
    public void Nothing_renders_while_nothing_arrives()
    {
        _throttle.Request();
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Single(_renders);
    }

    [Fact]
    public void After_a_quiet_second_the_next_request_renders_at_once_again()
    {
        _throttle.Request();
        _time.Advance(TimeSpan.FromMilliseconds(1500));

        _throttle.Request();

        Assert.Equal([Start, Start + TimeSpan.FromMilliseconds(1500)], _renders);
    }

    [Fact]
    public void A_request_during_a_scheduled_render_joins_it_and_one_after_it_waits_another_second()
    {
        _throttle.Request();
        _time.Advance(TimeSpan.FromMilliseconds(100));
        _throttle.Request();
        _throttle.Request();
        _time.Advance(TimeSpan.FromMilliseconds(900));
        _throttle.Request();

        Assert.Equal([Start, Start + Second], _renders);
        _time.Advance(Second);
        Assert.Equal([Start, Start + Second, Start + (2 * Second)], _renders);
    }

    [Fact]
    public void Request_now_renders_at_once_within_the_interval_and_takes_the_scheduled_render_with_it()
    {
        _throttle.Request();
        _time.Advance(TimeSpan.FromMilliseconds(100));
        _throttle.Request();
        _time.Advance(TimeSpan.FromMilliseconds(100));

        _throttle.RequestNow();

        var now = Start + TimeSpan.FromMilliseconds(200);
        Assert.Equal([Start, now], _renders);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal([Start, now], _renders);
    }

    [Fact]
    public void After_request_now_a_stream_still_waits_a_full_interval()
    {
        _throttle.RequestNow();
        _time.Advance(TimeSpan.FromMilliseconds(300));
        _throttle.Request();
        _throttle.Request();

        Assert.Equal([Start], _renders);
        _time.Advance(TimeSpan.FromMilliseconds(700));
        Assert.Equal([Start, Start + Second], _renders);
    }

    [Fact]
    public void Nothing_renders_after_dispose_even_when_a_render_was_scheduled()
    {
        _throttle.Request();
        _throttle.Request();
        _throttle.Dispose();
        _time.Advance(TimeSpan.FromSeconds(2));
        _throttle.Request();

        Assert.Single(_renders);
    }

    public void Dispose() => _throttle.Dispose();

    private Task RenderAsync()
    {
        _renders.Add(_time.GetUtcNow());
        return Task.CompletedTask;
    }
}
