using System.Diagnostics;
using System.Net;
using GoForge.Core.Deployments;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Projects;
using GoForge.Tests.Api;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace GoForge.Tests.Deployments;

/// <summary>
/// Many deploy requests at once over <c>/api/v1</c> across several applications of one real panel (worker on, real
/// engine, the <see cref="SampleRepository"/>'s busybox image), then the queue drained while a signed-in browser
/// loads panel pages. <see cref="DeploymentLoadTests"/> asserts what happened; the benchmark prints how long it took.
/// </summary>
internal sealed class DeploymentLoad : IAsyncDisposable
{
    public const int MaxConcurrent = 2;

    private static readonly DeploymentState[] Unfinished = [DeploymentState.Pending, DeploymentState.Cloning, DeploymentState.Building, DeploymentState.Deploying];

    private readonly DeployScenario _scenario;
    private HttpClient _api = null!;
    private HttpClient _browser = null!;

    private DeploymentLoad(DeployScenario scenario) => _scenario = scenario;

    public IReadOnlyList<Application> Applications { get; private set; } = [];

    private IDeploymentRepository Deployments => _scenario.App.Get<IDeploymentRepository>();

    /// <summary>The panel, <paramref name="applications"/> applications of one pushed commit, a deploy token and a signed-in browser.</summary>
    public static async Task<DeploymentLoad> StartAsync(PostgresFixture postgres, DockerFixture docker, string prefix, int applications)
    {
        var scenario = await DeployScenario.StartAsync(postgres, docker, prefix, settings: new Dictionary<string, string?>
        {
            ["GoForge:Deployments:MaxConcurrent"] = MaxConcurrent.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GoForge:Deployments:DrainDelay"] = "00:00:00",
        });
        var load = new DeploymentLoad(scenario);
        try
        {
            scenario.Repository.Commit("v1", SampleDockerfiles.ServesIndex(scenario.Nonce), new Dictionary<string, string> { ["index.html"] = $"load {scenario.Nonce}\n" });
            var created = new List<Application>();
            for (var i = 0; i < applications; i++)
            {
                created.Add(await scenario.CreateApplicationAsync(scenario.Actor, $"load{i}"));
            }

            load.Applications = created;
            load._api = scenario.App.TokenClient(await scenario.App.CreateTokenAsync(scenario.Owner, ApiScope.Read | ApiScope.Deploy));
            load._browser = scenario.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
            var signedIn = await FormClient.SignInAsync(load._browser, scenario.Owner.Login, TestUsers.Password);
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            return load;
        }
        catch
        {
            await load.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="perApplication"/> deploy requests for every application, all at once (interleaved across
    /// the applications); the answers in the order sent.
    /// </summary>
    public async Task<IReadOnlyList<DeployRequest>> RequestAllAtOnceAsync(int perApplication)
    {
        var requests = Enumerable.Range(0, perApplication).SelectMany(_ => Applications).Select(async app =>
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await _api.SendAsync(HttpMethod.Post, $"/api/v1/applications/{app.Id}/deployments", new { });
            var elapsed = Stopwatch.GetElapsedTime(started);
            Guid? id = response.StatusCode == HttpStatusCode.Accepted ? Guid.Parse((await response.JsonAsync()).GetProperty("id").GetString()!) : null;
            return new DeployRequest(app.Id, response.StatusCode, id, elapsed);
        });
        return await Task.WhenAll(requests);
    }

    /// <summary>
    /// Loads a panel page (the dashboard and each application's page in turn) as the signed-in owner, one after
    /// another, until no deployment is waiting or in progress; every load as it went, and how long the queue took.
    /// </summary>
    public async Task<Drain> LoadPagesUntilDrainedAsync(TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        var loads = new List<PageLoad>();
        using var cts = new CancellationTokenSource(timeout);
        while (!await DrainedAsync())
        {
            if (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"The deployment queue did not drain within {timeout}: {await DescribeUnfinishedAsync()}");
            }

            loads.Add(await LoadPageAsync(loads.Count, cts.Token));
        }

        return new Drain(Stopwatch.GetElapsedTime(started), loads);
    }

    /// <summary><paramref name="count"/> page loads as <see cref="LoadPagesUntilDrainedAsync"/> makes them, whatever the queue does.</summary>
    public async Task<IReadOnlyList<PageLoad>> LoadPagesAsync(int count)
    {
        var loads = new List<PageLoad>();
        while (loads.Count < count)
        {
            loads.Add(await LoadPageAsync(loads.Count, CancellationToken.None));
        }

        return loads;
    }

    /// <summary>Every deployment of the applications, newest first per application.</summary>
    public async Task<IReadOnlyList<Deployment>> DeploymentsAsync()
    {
        var all = new List<Deployment>();
        foreach (var app in Applications)
        {
            all.AddRange(await Deployments.ListByApplicationAsync(app.Id, 500));
        }

        return all;
    }

    /// <summary>The deployment's state changes, oldest first.</summary>
    public Task<IReadOnlyList<DeploymentTransition>> TransitionsAsync(Guid deploymentId) => Deployments.ListTransitionsAsync(deploymentId);

    /// <summary>
    /// The most deployments that were in progress (cloning, building or deploying) at one moment, from their recorded
    /// transitions: each is in progress from its start until it left those states.
    /// </summary>
    public async Task<int> MostInProgressAtOnceAsync()
    {
        var edges = new List<(DateTimeOffset At, int Change)>();
        foreach (var deployment in await DeploymentsAsync())
        {
            var transitions = await TransitionsAsync(deployment.Id);
            if (transitions.FirstOrDefault(t => t.From == DeploymentState.Pending && IsInProgress(t.To)) is not { } start)
            {
                continue;
            }

            var end = transitions.First(t => t.From is { } from && IsInProgress(from) && !IsInProgress(t.To));
            edges.Add((start.OccurredAt, +1));
            edges.Add((end.OccurredAt, -1));
        }

        // At one instant an end is counted before a start: the worker starts the next one only after the last ended.
        var (most, now) = (0, 0);
        foreach (var (_, change) in edges.OrderBy(e => e.At).ThenBy(e => e.Change))
        {
            now += change;
            most = Math.Max(most, now);
        }

        return most;
    }

    public async ValueTask DisposeAsync()
    {
        _api?.Dispose();
        _browser?.Dispose();
        await _scenario.DisposeAsync();
    }

    private async Task<PageLoad> LoadPageAsync(int index, CancellationToken ct)
    {
        var page = index % (Applications.Count + 1) == 0 ? "/" : $"/applications/{Applications[(index % (Applications.Count + 1)) - 1].Id}";
        var started = Stopwatch.GetTimestamp();
        using var response = await _browser.GetAsync(page, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return new PageLoad(page, response.StatusCode, body.Length, Stopwatch.GetElapsedTime(started));
    }

    private static bool IsInProgress(DeploymentState state) => state is DeploymentState.Cloning or DeploymentState.Building or DeploymentState.Deploying;

    private async Task<bool> DrainedAsync() =>
        await Deployments.CountPendingAsync() == 0 && (await Deployments.ListActiveAsync()).Count == 0;

    private async Task<string> DescribeUnfinishedAsync() =>
        string.Join(", ", (await DeploymentsAsync()).Where(d => Unfinished.Contains(d.State)).Select(d => $"{d.Id} {d.State}"));
}

/// <summary>One deploy request's answer: its status, the queued deployment's id when 202, and how long it took.</summary>
internal sealed record DeployRequest(Guid ApplicationId, HttpStatusCode Status, Guid? DeploymentId, TimeSpan Elapsed);

/// <summary>One panel page load while the queue drained.</summary>
internal sealed record PageLoad(string Path, HttpStatusCode Status, int Length, TimeSpan Elapsed);

/// <summary>How long the queue took to drain, and the page loads meanwhile.</summary>
internal sealed record Drain(TimeSpan Elapsed, IReadOnlyList<PageLoad> PageLoads);
