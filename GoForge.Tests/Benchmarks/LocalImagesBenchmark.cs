using System.Diagnostics;
using GoForge.Tests.Harness;
using Xunit.Abstractions;

namespace GoForge.Tests.Benchmarks;

/// <summary>
/// Figures, not assertions: how long each image of the production stack takes to get (<see cref="LocalImages"/>), in
/// the order the production-stack test needs them. On a fresh machine (no /var/cache/goforge-tests, no images on the
/// shared engine) each is built; run again, each is only inspected. Then the time to copy them into a fresh
/// <see cref="NetworkedDockerDaemon"/>. Run with <c>bash deploy/test.sh --filter FullyQualifiedName~LocalImagesBenchmark</c>.
/// </summary>
[Trait("Category", "Benchmark")]
[Collection(DockerCollection.Name)]
public sealed class LocalImagesBenchmark(DockerFixture docker, ITestOutputHelper output)
{
    [Fact]
    public async Task Time_to_get_each_production_image_and_to_load_them_into_a_fresh_engine()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(40));
        var ct = timeout.Token;
        var images = new List<string>();
        foreach (var (name, get) in new (string, Func<Task<string>>)[]
        {
            ("debian", () => LocalImages.DebianAsync(docker.Client, ct)),
            ("postgres", () => LocalImages.PostgresAsync(docker.Client, ct)),
            ("caddy", () => LocalImages.CaddyAsync(docker.Client, ct)),
            ("panel (with the SDK image)", () => LocalImages.PanelAsync(docker.Client, ct)),
        })
        {
            var watch = Stopwatch.StartNew();
            images.Add(await get());
            output.WriteLine($"{name}: {watch.Elapsed.TotalSeconds:0.0} s");
        }

        var started = Stopwatch.StartNew();
        await using var daemon = await NetworkedDockerDaemon.StartAsync(ct);
        output.WriteLine($"networked engine started: {started.Elapsed.TotalSeconds:0.0} s");
        foreach (var image in images)
        {
            var watch = Stopwatch.StartNew();
            await daemon.LoadImageAsync(docker.Client, image, ct);
            var size = (await docker.Client.Images.InspectImageAsync(image, ct)).Size;
            output.WriteLine($"load {image} ({size / 1_000_000} MB): {watch.Elapsed.TotalSeconds:0.0} s");
        }
    }
}
