using System.Diagnostics;
using System.Text;
using GoForge.Core.Compose;
using GoForge.Tests.Compose;
using Xunit.Abstractions;

namespace GoForge.Tests.Benchmarks;

/// <summary>
/// How long the strict reader takes: a realistic two-service file, the largest accepted file (64 services near the
/// 256 KiB cap), and hostile files refused (a billion-laughs file, 10,000 levels of nesting). Prints the medians (the
/// whole read, and the YAML walk alone);
/// asserts only each file's outcome.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class ComposeReadingBenchmark(ITestOutputHelper output)
{
    private const int Runs = 21;

    [Fact]
    public void Reading_and_refusing_compose_files()
    {
        var files = new (string Name, string Yaml, bool Accepted)[]
        {
            ("two services", "services:\n  web:\n    image: busybox\n    command: [httpd, -f, -p, \"8080\"]\n    expose: [8080]\n    depends_on: [worker]\n  worker:\n    image: busybox\n    volumes: [\"data:/data\"]\nvolumes:\n  data:\n", true),
            ("64 services, cap size", LargestFile(), true),
            ("billion laughs", "x-a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\nx-b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nservices:\n  web:\n    image: busybox\n    command: *b\n", false),
            ("10,000 levels", "services:\n  web:\n    image: busybox\nx-deep: " + new string('[', 10_000) + new string(']', 10_000) + "\n", false),
        };

        foreach (var (name, yaml, accepted) in files)
        {
            var timings = new List<double>();
            for (var run = 0; run < Runs; run++)
            {
                var watch = Stopwatch.StartNew();
                var result = ComposeSamples.Read(yaml);
                timings.Add(watch.Elapsed.TotalMilliseconds);
                Assert.Equal(accepted, result.IsSuccess);
            }

            timings.Sort();
            var parse = new List<double>();
            for (var run = 0; run < Runs; run++)
            {
                var watch = Stopwatch.StartNew();
                _ = new GoForge.Infrastructure.Compose.ComposeSyntax().TryParse(yaml, out _, out _);
                parse.Add(watch.Elapsed.TotalMilliseconds);
            }

            parse.Sort();
            output.WriteLine($"{name} ({Encoding.UTF8.GetByteCount(yaml):N0} bytes): median {timings[Runs / 2]:F2} ms, max {timings[^1]:F2} ms; YAML walk alone median {parse[Runs / 2]:F2} ms");
        }
    }

    private static string LargestFile()
    {
        var yaml = new StringBuilder("services:\n");
        for (var i = 0; i < ComposeReader.MaxServices; i++)
        {
            yaml.Append($"  s{i}:\n    image: busybox\n    environment:\n");
            for (var v = 0; Encoding.UTF8.GetByteCount(yaml.ToString()) < (i + 1) * (ComposeNode.MaxFileBytes - 1024) / ComposeReader.MaxServices; v++)
            {
                yaml.Append($"      VAR_{v}: value-{v}-padding-padding-padding\n");
            }
        }

        return yaml.ToString();
    }
}
