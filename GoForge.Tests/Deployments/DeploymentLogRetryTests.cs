using GoForge.Core.Common.Live;
using GoForge.Core.Deployments;
using GoForge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GoForge.Tests.Deployments;

/// <summary>
/// The runner's <see cref="DeploymentLog"/> over a store that fails while a test says the database is down, on a fake
/// clock (its pauses pass when the test moves it). The same over a real PostgreSQL restart is
/// <see cref="DatabaseRestartTests"/>; these cover the limits, which a real outage would take minutes to reach.
/// </summary>
public sealed class DeploymentLogRetryTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<string> _stored = [];
    private readonly NoDeploymentRepository _repository = new();
    private volatile bool _down;
    private int _failures;

    public DeploymentLogRetryTests() =>
        _repository.AppendLog = lines =>
        {
            if (_down)
            {
                Interlocked.Increment(ref _failures);
                throw new InvalidOperationException("the database is down");
            }

            lock (_stored)
            {
                _stored.AddRange(lines);
                return lines.Select((l, i) => new DeploymentLogLine(_stored.Count - lines.Count + i + 1, _time.GetUtcNow(), l)).ToList();
            }
        };

    [Fact]
    public async Task Lines_written_while_the_database_is_down_are_stored_once_each_in_order_when_it_is_back()
    {
        var log = NewLog();
        _down = true;
        log.Write("one");
        log.Write("two");
        await Wait.UntilAsync(() => Task.FromResult(Volatile.Read(ref _failures) >= 1), "a failed write");
        var last = log.WriteAsync("three");
        await PassTimeUntilAsync(() => Volatile.Read(ref _failures) >= 3, "two retries");

        _down = false;
        await PassTimeUntilAsync(() => last.IsCompleted, "the lines to be stored");

        Assert.Equal(["one", "two", "three"], Stored());
    }

    [Fact]
    public async Task A_batch_failing_past_the_retry_limit_is_dropped_and_the_next_lines_stored_say_how_many_are_missing()
    {
        var log = NewLog();
        _down = true;
        log.Write("lost one");
        var lost = log.WriteAsync("lost two");
        // Given up on after the limit, whether the two went in one batch or two (the second is then tried once).
        await PassTimeUntilAsync(() => lost.IsCompleted, "the writer to give up");

        _down = false;
        var kept = log.WriteAsync("kept");
        await PassTimeUntilAsync(() => kept.IsCompleted, "the next line to be stored");

        var stored = Stored();
        Assert.Equal(2, stored.Count);
        Assert.StartsWith("[GoForge] 2 log lines were dropped here:", stored[0], StringComparison.Ordinal);
        Assert.Equal("kept", stored[1]);
    }

    [Fact]
    public async Task While_the_database_is_down_at_most_the_cap_of_lines_wait_and_a_note_counts_the_rest()
    {
        var log = NewLog();
        _down = true;
        for (var i = 0; i < DeploymentLog.MaxPending + 3; i++)
        {
            log.Write($"line {i}");
        }

        _down = false;
        var flushed = log.FlushAsync();
        await PassTimeUntilAsync(() => flushed.IsCompleted, "the waiting lines to be stored");

        var stored = Stored();
        Assert.Equal(Enumerable.Range(0, DeploymentLog.MaxPending).Select(i => $"line {i}"), stored.Take(DeploymentLog.MaxPending));
        Assert.Equal(DeploymentLog.MaxPending + 1, stored.Count);
        Assert.StartsWith("[GoForge] 3 log lines were dropped here:", stored[^1], StringComparison.Ordinal);
    }

    private DeploymentLog NewLog() => new(_repository, new ChangeFeed<DeploymentUpdate>(), new Deployment
    {
        Id = Guid.NewGuid(),
        ApplicationId = Guid.NewGuid(),
        State = DeploymentState.Building,
        Source = DeploymentSource.Manual,
        CreatedAt = _time.GetUtcNow(),
        UpdatedAt = _time.GetUtcNow(),
    }, _time, NullLogger.Instance);

    private List<string> Stored()
    {
        lock (_stored)
        {
            return [.. _stored];
        }
    }

    /// <summary>Moves the fake clock by the longest pause at a time until <paramref name="condition"/> holds.</summary>
    private Task PassTimeUntilAsync(Func<bool> condition, string what) =>
        Wait.UntilAsync(() =>
        {
            if (condition())
            {
                return Task.FromResult(true);
            }

            _time.Advance(TimeSpan.FromSeconds(5));
            return Task.FromResult(false);
        }, what);
}
