using System.Diagnostics;
using GoForge.Core.Containers;
using GoForge.Infrastructure.Docker;
using GoForge.Tests.Deployments;
using GoForge.Tests.Docker;
using GoForge.Tests.Docker.BuildKit;
using GoForge.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace GoForge.Tests.Benchmarks;

/// <summary>
/// The sample repository's Dockerfile (<see cref="SampleDockerfiles.ServesIndex"/>, its TOKEN read as a build argument,
/// since the legacy builder knows no secret mount) built by the legacy builder and by BuildKit through the CLI, alternately: a cold build (a new nonce, so the echo step and everything after it run)
/// and a no-change rebuild (all cached) for each. Prints the medians; asserts only that every build succeeded.
/// </summary>
[Trait("Category", "Benchmark")]
[Collection(DockerCollection.Name)]
public sealed class BuildKitBenchmark(DockerFixture fixture, ITestOutputHelper output)
{
    private const int Runs = 5;

    [Fact]
    public async Task Legacy_builder_and_BuildKit_build_the_sample_repository()
    {
        using var provider = new DockerClientProvider(Options.Create(new DockerOptions { Endpoint = fixture.Endpoint }));
        IImageBuilder legacy = new DockerImageBuilder(provider, NullLogger<DockerImageBuilder>.Instance);
        IImageBuilder buildKit = BuildKitImageBuilderTests.Create(provider);
        var timings = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var tags = new List<string>();
        try
        {
            for (var run = 0; run < Runs; run++)
            {
                foreach (var (name, builder) in new[] { ("legacy", legacy), ("buildkit", buildKit) })
                {
                    using var context = AppContextFolder.Create(SampleDockerfiles.ServesIndex(Guid.NewGuid().ToString("N")[..12])
                        .Replace("RUN --mount=type=secret,id=TOKEN ", "ARG TOKEN\nRUN ", StringComparison.Ordinal)
                        .Replace("$(cat /run/secrets/TOKEN 2>/dev/null)", "$TOKEN", StringComparison.Ordinal));
                    context.Write("index.html", "hello\n");
                    foreach (var phase in new[] { "cold", "cached" })
                    {
                        var tag = Unique.Tag($"bench-{name}");
                        tags.Add(tag);
                        var watch = Stopwatch.StartNew();
                        await builder.BuildAsync(new ImageBuildRequest(context.Path, "Dockerfile", tag, new Dictionary<string, string>(), new Dictionary<string, string>()), new LineLog());
                        var key = $"{name} {phase}";
                        timings.TryAdd(key, []);
                        timings[key].Add(watch.Elapsed.TotalMilliseconds);
                    }
                }
            }
        }
        finally
        {
            foreach (var tag in tags)
            {
                try
                {
                    await fixture.Client.Images.DeleteImageAsync(tag, new() { Force = true });
                }
                catch (global::Docker.DotNet.DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    // Its build failed.
                }
            }
        }

        output.WriteLine($"runs: {Runs} each, alternating builders");
        foreach (var (key, values) in timings)
        {
            output.WriteLine($"{key,-16} median {Median(values),6:F0} ms  [{string.Join(", ", values.Select(v => v.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}]");
        }

        Assert.All(timings.Values, v => Assert.Equal(Runs, v.Count));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
