using System.Diagnostics;
using System.Globalization;
using GoForge.Core.Projects;
using GoForge.Core.Services;
using GoForge.Tests.Catalog;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Xunit.Abstractions;
using Actor = GoForge.Core.Identity.Actor;

namespace GoForge.Tests.Benchmarks;

/// <summary>
/// Figures, not assertions: how long a catalog service takes from Create to healthy (the test template, its image
/// present, a TCP health check polled every second), a restart, a version change (recreate on the same volume), and
/// a delete with its volume, on the real engine and PostgreSQL. Run with
/// <c>bash deploy/test.sh --filter FullyQualifiedName~ServiceBenchmark --logger "console;verbosity=detailed"</c>.
/// </summary>
[Trait("Category", "Benchmark")]
[Collection(PostgresCollection.Name)]
public sealed class ServiceBenchmark(PostgresFixture postgres, DockerFixture docker, ITestOutputHelper output) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private const int Runs = 5;
    private readonly string _folder = Directory.CreateTempSubdirectory("goforge-service-bench-").FullName;
    private TestHost _host = null!;
    private Actor _owner = null!;
    private Project _project = null!;
    private ProjectEnvironment _environment = null!;

    public async Task InitializeAsync()
    {
        await BusyboxImage.EnsureAsync(docker.Client);
        await docker.Client.Images.TagImageAsync(BusyboxImage.Tag, new global::Docker.DotNet.Models.ImageTagParameters { RepositoryName = "goforge-test/busybox-httpd", Tag = "v2" });
        var template = await File.ReadAllTextAsync(CatalogSamples.TestTemplatePath);
        await File.WriteAllTextAsync(Path.Combine(_folder, "test-kv.yaml"), template.Replace("versions: [latest]", "versions: [latest, v2]", StringComparison.Ordinal));
        _host = await TestHost.StartAsync(postgres, "service_bench", new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:Catalog:TemplateFolder"] = _folder,
        });
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
        (_project, _environment) = await _host.Services.CreateProjectAsync(_owner, "Service bench");
    }

    public async Task DisposeAsync()
    {
        await _host.Services.RemoveProjectServicesAsync(_project.Id);
        await _host.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Service_action_times()
    {
        var services = _host.Get<ServiceInstanceService>();
        var timings = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        for (var i = 0; i < Runs; i++)
        {
            var preview = (await services.PreviewAsync("test-kv")).Value!;
            var input = new ServiceInstanceInput { TemplateId = "test-kv", Name = $"bench {i}", Inputs = preview.Inputs, Domain = $"kv{i}.example.test" };
            var created = await TimeAsync(timings, "create → healthy", () => services.CreateAsync(_owner, _environment.Id, input));
            await TimeAsync(timings, "restart → healthy", () => services.RestartAsync(_owner, created.Id));
            await TimeAsync(timings, "version change → healthy", () => services.ChangeVersionAsync(_owner, created.Id, "v2"));
            var watch = Stopwatch.StartNew();
            var deleted = await services.DeleteAsync(_owner, created.Id, keepVolumes: false);
            Assert.True(deleted.IsSuccess, deleted.Error?.Message);
            Add(timings, "delete with volume", watch);
        }

        foreach (var (what, ms) in timings)
        {
            ms.Sort();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-26} n={ms.Count} median {ms[ms.Count / 2],7:0} ms  max {ms[^1],7:0} ms"));
        }
    }

    private static async Task<ServiceInstance> TimeAsync(Dictionary<string, List<double>> timings, string what, Func<Task<GoForge.Core.Common.Result<ServiceInstance>>> action)
    {
        var watch = Stopwatch.StartNew();
        var result = await action();
        Assert.True(result.IsSuccess && result.Value.State == ServiceState.Running, $"{what}: {result.Error?.Message ?? result.Value?.Reason}");
        Add(timings, what, watch);
        return result.Value!;
    }

    private static void Add(Dictionary<string, List<double>> timings, string what, Stopwatch watch)
    {
        if (!timings.TryGetValue(what, out var list))
        {
            timings[what] = list = [];
        }

        list.Add(watch.Elapsed.TotalMilliseconds);
    }
}
