using GoForge.Core.Containers;
using GoForge.Core.Monitoring;
using GoForge.Infrastructure.Docker;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Docker.BuildKit;

/// <summary>
/// GoForge's build cache budget on an engine of this class's own (so every record on it is known): records of a build
/// made outside GoForge stay, GoForge's own are pruned down to the budget after its build, and the Docker page's
/// figures count GoForge's records only.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BuildCacheBudgetTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const long Budget = 1024 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);
    private PrivateDockerDaemon? _daemon;
    private TestHost? _host;

    private PrivateDockerDaemon Daemon => _daemon ?? throw new InvalidOperationException("The private daemon did not start.");

    public async Task InitializeAsync() => _daemon = await PrivateDockerDaemon.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }
    }

    [Fact]
    public async Task GoForge_prunes_its_own_build_cache_to_the_budget_and_leaves_other_owners_records()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        using var foreignContext = AppContextFolder.Create("FROM scratch\nCOPY busybox /bin/busybox\nCOPY Dockerfile /foreign\n");
        using var provider = new DockerClientProvider(Options.Create(new DockerOptions { Endpoint = Daemon.Endpoint }));
        // Another owner's build on the same engine: no ledger sees it.
        await BuildKitImageBuilderTests.Create(provider, new() { EngineCgroupParent = "", Network = "none" })
            .BuildAsync(new ImageBuildRequest(foreignContext.Path, "Dockerfile", "foreign/app:1", new Dictionary<string, string>(), new Dictionary<string, string>()), new LineLog(), timeout.Token);
        var maintenance = new GoForge.Infrastructure.Docker.Monitoring.DockerMaintenance(provider, Microsoft.Extensions.Logging.Abstractions.NullLogger<GoForge.Infrastructure.Docker.Monitoring.DockerMaintenance>.Instance);
        var foreign = (await maintenance.PlanPruneAsync(PruneKind.BuildCache, everything: true, timeout.Token)).Select(c => c.Id).ToList();
        Assert.NotEmpty(foreign);

        _host = await TestHost.StartAsync(postgres, "bkbudget", new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = Daemon.Endpoint.ToString(),
            ["GoForge:Builds:EngineCgroupParent"] = "",
            ["GoForge:Builds:Network"] = "none",
            ["GoForge:Builds:CacheBudgetBytes"] = Budget.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var ours = AppContextFolder.Create("FROM scratch\nCOPY busybox /bin/busybox\nCOPY Dockerfile /ours\n");
        var log = new LineLog();

        await _host.Get<IImageBuilder>().BuildAsync(
            new ImageBuildRequest(ours.Path, "Dockerfile", "goforge/app:1", new Dictionary<string, string>(), new Dictionary<string, string>()), log, timeout.Token);

        Assert.Contains(log.Lines, l => l.StartsWith("Pruned ", StringComparison.Ordinal) && l.Contains("GoForge's build cache", StringComparison.Ordinal));
        var left = (await maintenance.PlanPruneAsync(PruneKind.BuildCache, everything: true, timeout.Token)).Select(c => c.Id).ToList();
        Assert.All(foreign, id => Assert.Contains(id, left));
        var usage = (await _host.Get<IDockerMaintenance>().DiskUsageAsync(timeout.Token)).GoForgeBuildCache;
        Assert.NotNull(usage);
        Assert.Equal(Budget, usage.BudgetBytes);
        Assert.True(usage.SizeBytes <= Budget, $"GoForge's cache holds {usage.SizeBytes} bytes in {usage.Records} records");
        // The admin's "GoForge's only" plan names none of the other owner's records.
        var managedPlan = await _host.Get<IDockerMaintenance>().PlanPruneAsync(PruneKind.BuildCache, everything: false, timeout.Token);
        Assert.DoesNotContain(managedPlan, c => foreign.Contains(c.Id));
    }
}
