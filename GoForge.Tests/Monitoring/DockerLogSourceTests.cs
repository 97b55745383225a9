using System.Globalization;
using Docker.DotNet.Models;
using GoForge.Core.Monitoring;
using GoForge.Infrastructure.Docker.Monitoring;
using GoForge.Infrastructure.Docker;
using GoForge.Infrastructure.Monitoring;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace GoForge.Tests.Monitoring;

[Collection(DockerCollection.Name)]
public sealed class DockerLogSourceTests(DockerFixture fixture) : IDisposable
{
    private const string NumberedLines = """i=0; while true; do i=$((i+1)); echo "line-$i"; sleep 0.2; done""";
    private readonly DockerClientProvider _provider = TestContainers.Provider(fixture.Endpoint);

    private DockerLogSource Source => new(_provider, NullLogger<DockerLogSource>.Instance);

    [Fact]
    public async Task Tail_returns_the_last_lines_in_order_with_the_engine_timestamps()
    {
        string? id = null;
        try
        {
            using var timeout = new CancellationTokenSource(TestContainers.Timeout);
            var started = DateTimeOffset.UtcNow.AddMinutes(-1);
            id = await TestContainers.RunAsync(fixture.Client, NumberedLines, ct: timeout.Token);
            await WaitForLinesAsync(id, 8);

            var lines = await Source.ReadAsync(id, tail: 5, since: null, follow: false, timeout.Token).ToListAsync(timeout.Token);

            Assert.Equal(5, lines.Count);
            var numbers = lines.Select(Number).ToList();
            Assert.True(numbers[0] >= 4, $"the tail starts at line {numbers[0]}, yet 8 lines were written");
            Assert.Equal(Enumerable.Range(numbers[0], 5), numbers);
            Assert.All(lines, l => Assert.Equal(LogOutput.Stdout, l.Stream));
            Assert.All(lines, l => Assert.True(l.Time > started, $"{l.Time:o} is not the engine's time of the line"));
            Assert.Equal(lines.Select(l => l.Time).Order(), lines.Select(l => l.Time));
        }
        finally
        {
            await TestContainers.RemoveAsync(fixture.Client, id);
        }
    }

    [Fact]
    public async Task Follow_shows_lines_written_after_subscribing()
    {
        string? id = null;
        try
        {
            using var timeout = new CancellationTokenSource(TestContainers.Timeout);
            id = await TestContainers.RunAsync(fixture.Client, NumberedLines, ct: timeout.Token);
            await WaitForLinesAsync(id, 2);
            var before = Number(await Source.ReadAsync(id, tail: 1, since: null, follow: false, timeout.Token).SingleAsync(timeout.Token));

            var followed = await Source.ReadAsync(id, tail: 0, since: null, follow: true, timeout.Token).Take(3).ToListAsync(timeout.Token);

            var numbers = followed.Select(Number).ToList();
            Assert.True(numbers[0] > before, $"line {numbers[0]} was written before subscribing (line {before} was already there)");
            Assert.Equal(Enumerable.Range(numbers[0], 3), numbers);
        }
        finally
        {
            await TestContainers.RemoveAsync(fixture.Client, id);
        }
    }

    [Fact]
    public async Task Since_returns_only_lines_from_that_moment()
    {
        string? id = null;
        try
        {
            using var timeout = new CancellationTokenSource(TestContainers.Timeout);
            id = await TestContainers.RunAsync(fixture.Client, NumberedLines, ct: timeout.Token);
            await WaitForLinesAsync(id, 6);
            var all = await Source.ReadAsync(id, tail: 1000, since: null, follow: false, timeout.Token).ToListAsync(timeout.Token);
            var third = all[2];

            var lines = await Source.ReadAsync(id, tail: 1, since: third.Time, follow: false, timeout.Token).ToListAsync(timeout.Token);

            // Since wins over tail: every line from the third on, not just the last one.
            Assert.True(lines.Count >= all.Count - 2, $"{lines.Count} lines since line 3 of {all.Count}");
            Assert.Equal(Number(third), Number(lines[0]));
            Assert.All(lines, l => Assert.True(l.Time >= third.Time));
        }
        finally
        {
            await TestContainers.RemoveAsync(fixture.Client, id);
        }
    }

    [Fact]
    public async Task Stderr_lines_are_marked_stderr_and_the_sequence_ends_when_the_container_exits()
    {
        string? id = null;
        try
        {
            using var timeout = new CancellationTokenSource(TestContainers.Timeout);
            id = await TestContainers.RunAsync(
                fixture.Client,
                """for i in 1 2 3 4 5; do echo "out-$i"; echo "err-$i" >&2; sleep 0.2; done""",
                ct: timeout.Token);

            // Completes by itself once the container has exited: ToListAsync returning is the assertion.
            var lines = await Source.ReadAsync(id, tail: int.MaxValue, since: null, follow: true, timeout.Token).ToListAsync(timeout.Token);

            Assert.Equal(["out-1", "out-2", "out-3", "out-4", "out-5"], lines.Where(l => l.Stream == LogOutput.Stdout).Select(l => l.Text));
            Assert.Equal(["err-1", "err-2", "err-3", "err-4", "err-5"], lines.Where(l => l.Stream == LogOutput.Stderr).Select(l => l.Text));
        }
        finally
        {
            await TestContainers.RemoveAsync(fixture.Client, id);
        }
    }

    [Fact]
    public async Task Following_a_running_container_ends_when_it_is_stopped()
    {
        string? id = null;
        try
        {
            using var timeout = new CancellationTokenSource(TestContainers.Timeout);
            id = await TestContainers.RunAsync(fixture.Client, NumberedLines, ct: timeout.Token);
            await using var lines = Source.ReadAsync(id, tail: 0, since: null, follow: true, timeout.Token).GetAsyncEnumerator(timeout.Token);
            Assert.True(await lines.MoveNextAsync());

            await fixture.Client.Containers.KillContainerAsync(id, new ContainerKillParameters(), timeout.Token);

            while (await lines.MoveNextAsync())
            {
            }
        }
        finally
        {
            await TestContainers.RemoveAsync(fixture.Client, id);
        }
    }

    [Fact]
    public async Task Cancel_stops_following_promptly()
    {
        string? id = null;
        try
        {
            using var timeout = new CancellationTokenSource(TestContainers.Timeout);
            // Writes nothing after its first line, so only the cancellation can end the read.
            id = await TestContainers.RunAsync(fixture.Client, "echo ready; exec sleep 600", ct: timeout.Token);
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            await using var lines = Source.ReadAsync(id, tail: 10, since: null, follow: true, cancel.Token).GetAsyncEnumerator(cancel.Token);
            Assert.True(await lines.MoveNextAsync());
            var waiting = lines.MoveNextAsync().AsTask();

            await cancel.CancelAsync();

            // The bound only keeps a hang from stalling the run; it is not a measure of promptness.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            await TestContainers.RemoveAsync(fixture.Client, id);
        }
    }

    [Fact]
    public async Task Logs_of_a_container_the_engine_does_not_have_are_empty()
    {
        using var timeout = new CancellationTokenSource(TestContainers.Timeout);

        var lines = await Source.ReadAsync("goforge-test-no-such-container", tail: 10, since: null, follow: true, timeout.Token).ToListAsync(timeout.Token);

        Assert.Empty(lines);
    }

    public void Dispose() => _provider.Dispose();

    private static int Number(ContainerLogLine line) =>
        int.Parse(line.Text.AsSpan(line.Text.IndexOf('-', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture);

    private Task WaitForLinesAsync(string id, int count) => Wait.UntilAsync(
        async () => (await Source.ReadAsync(id, tail: 1000, since: null, follow: false).CountAsync()) >= count,
        $"{count} log lines of container {id[..12]}",
        TestContainers.Timeout);
}
