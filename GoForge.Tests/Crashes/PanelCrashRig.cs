using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Projects;
using GoForge.Core.Services;
using GoForge.Tests.Api;
using GoForge.Tests.Deployments;
using GoForge.Tests.Git;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Xunit.Abstractions;
using Actor = GoForge.Core.Identity.Actor;

namespace GoForge.Tests.Crashes;

/// <summary>
/// What the crash tests share, made once for the class: one PostgreSQL database, the engine, a real Caddy, a data
/// folder and secret key, and one application (<see cref="AppHost"/>) deployed and served through Caddy. The panel is
/// <c>dotnet GoForge.Web.dll</c>, its own process (<see cref="PanelProcess"/>), configured only through its
/// environment; a test SIGKILLs it at a chosen moment and starts it again on the same database, data folder, key and
/// engine. The application clones over git:// through a <see cref="StallingRelay"/> in front of a real git daemon, so
/// a clone can be made to hang; service images come from a registry that never answers (<see cref="SilentRegistry"/>).
/// Everything labelled with the project is removed from the engine at the end.
/// </summary>
public sealed class PanelCrashRig(PostgresFixture postgres) : IAsyncLifetime
{
    public const string AppHost = "steady.crash.test";

    /// <summary>A service template whose image pull never ends.</summary>
    public const string StalledTemplate = "crash-stalled";

    /// <summary>A service template whose <c>latest</c> is on the engine and whose <c>v2</c> pull never ends.</summary>
    public const string VersionedTemplate = "crash-versioned";

    private const int RequestsPerSecond = 50;
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly string _root = Directory.CreateTempSubdirectory("goforge-crash-").FullName;
    private readonly string _secretKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly SilentRegistry _registry = new();
    private GitDaemon? _gitDaemon;
    private StallingRelay? _git;
    private TestTemplateFolder? _templates;
    private PanelProcess? _panel;
    private HttpClient? _api;
    private TimeSpan? _drainDelay;
    private string _token = "";
    private string _connectionString = "";
    private int _versions;

    internal DockerFixture Docker { get; } = new();

    internal CaddyFixture Caddy { get; } = new();

    internal PanelRecords Records { get; private set; } = null!;

    /// <summary>The clone path of the application: <see cref="StallingRelay.Stall"/> makes its next clone hang.</summary>
    internal StallingRelay Git => _git!;

    internal SilentRegistry Registry => _registry;

    internal Guid ProjectId { get; private set; }

    internal Guid EnvironmentId { get; private set; }

    internal Guid AppId { get; private set; }

    internal SampleRepository Repository { get; private set; } = null!;

    /// <summary>The panel process now running.</summary>
    internal PanelProcess Panel => _panel ?? throw new InvalidOperationException("No panel runs now.");

    /// <summary>/api/v1 of the panel now running, as the project's maintainer (read, write, deploy).</summary>
    internal HttpClient Api => _api ?? throw new InvalidOperationException("No panel runs now.");

    private string DataPath => Path.Combine(_root, "data");

    private string VersionedImage => $"127.0.0.1:{_registry.Port.ToString(CultureInfo.InvariantCulture)}/goforge-test/versioned";

    public async Task InitializeAsync()
    {
        await Docker.InitializeAsync();
        await Caddy.InitializeAsync();
        _templates = await TestTemplateFolder.CreateAsync(Docker);
        var registry = $"127.0.0.1:{_registry.Port.ToString(CultureInfo.InvariantCulture)}";
        await _templates.AddVariantAsync(StalledTemplate, $"{registry}/goforge-test/stalled");
        await _templates.AddVariantAsync(VersionedTemplate, VersionedImage, "latest", "v2");
        // latest is on the engine already (no pull); v2 must come from the registry that never answers.
        await Docker.Client.Images.TagImageAsync(BusyboxImage.Tag, new ImageTagParameters { RepositoryName = VersionedImage, Tag = "latest" });

        var repositories = Directory.CreateDirectory(Path.Combine(_root, "git")).FullName;
        Repository = new SampleRepository(repositories);
        _gitDaemon = await GitDaemon.StartAsync(repositories);
        _git = new StallingRelay(new IPEndPoint(IPAddress.Loopback, _gitDaemon.Port));

        _connectionString = await postgres.CreateDatabaseAsync("panelcrash");
        Records = new PanelRecords(_connectionString);
        await SeedAsync($"git://127.0.0.1:{_git.Port.ToString(CultureInfo.InvariantCulture)}/{Path.GetFileName(Repository.GitUrl)}");

        await StartPanelAsync();
        await DeployVersionAsync();
    }

    public async Task DisposeAsync()
    {
        await StopPanelAsync();
        try
        {
            await RemoveFromEngineAsync();
        }
        finally
        {
            _git?.Dispose();
            if (_gitDaemon is not null)
            {
                await _gitDaemon.DisposeAsync();
            }

            _registry.Dispose();
            _templates?.Dispose();
            await Caddy.DisposeAsync();
            await Docker.DisposeAsync();
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>
    /// Before a scenario: a panel with these settings (started again only when they differ), clones flowing, no
    /// deployment held unhealthy, nothing in flight, and no leftover of an earlier scenario that failed.
    /// </summary>
    internal async Task PrepareAsync(TimeSpan? drainDelay = null)
    {
        Git.Resume();
        if (_panel is null || _drainDelay != drainDelay)
        {
            await StopPanelAsync();
            await StartPanelAsync(drainDelay);
        }

        await RemoveVariableAsync(SampleDockerfiles.HoldHealthVariable);
        await EventuallyAsync(ActiveWorkAsync, "nothing in flight before the scenario");
        foreach (var stray in await StrayContainersAsync())
        {
            // An earlier scenario failed and left it; this one must not fail for that.
            await Docker.Client.Containers.RemoveContainerAsync(stray.ID, new ContainerRemoveParameters { Force = true });
        }

        if ((await Caddy.GetAsync(AppHost)).Status != HttpStatusCode.OK)
        {
            await DeployVersionAsync();
        }
    }

    /// <summary>
    /// The steady stream of requests to the application through Caddy that a scenario runs throughout. A request fails
    /// on any answer but 200 or after 10 s without one: an upstream that is gone or not listening is a 502 from Caddy
    /// within seconds, so the long time-out only spares the count the stalls of a machine whose cores a build and a
    /// panel start share (with 2 s, one scenario of 24 here saw a burst of time-outs at a load average of 24).
    /// </summary>
    internal SteadyTraffic StartTraffic() => SteadyTraffic.Start(Caddy, AppHost, RequestsPerSecond, RequestTimeout);

    /// <summary>SIGKILLs the panel; fails unless it died of that signal.</summary>
    private async Task KillPanelAsync()
    {
        var exitCode = await Panel.KillAsync();
        Assert.True(exitCode == 137, $"the panel exited with {exitCode}, not 137 (SIGKILL)");
        await StopPanelAsync();
    }

    /// <summary>
    /// The moment has been reached: SIGKILLs the panel, runs <paramref name="whileDown"/>, lets clones through again,
    /// starts the panel on the same database, data folder, key and engine, and waits until no deployment or service is
    /// left in an active state.
    /// </summary>
    internal async Task KillAndRestartAsync(Func<Task>? whileDown = null)
    {
        await KillPanelAsync();
        if (whileDown is not null)
        {
            await whileDown();
        }

        Git.Resume();
        await StartPanelAsync();
        await AssertNothingActiveAsync();
    }

    /// <summary>Pushes a version and queues its deployment with clones held silent; returns once its clone hangs.</summary>
    internal async Task<Guid> QueueHangingCloneAsync(string scenario)
    {
        Git.Stall();
        var held = Git.HeldConnections;
        Push(NextBody(scenario));
        var id = await QueueDeploymentAsync();
        await WaitForAsync(id, d => Task.FromResult(d.State == "cloning" && Git.HeldConnections > held), "a clone hanging");
        return id;
    }

    /// <summary>Starts the panel process on the rig's database, data folder, key and engine.</summary>
    private async Task StartPanelAsync(TimeSpan? drainDelay = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__GoForge"] = _connectionString,
            ["GoForge__DataPath"] = DataPath,
            ["GoForge__SecretKey"] = _secretKey,
            ["GoForge__Docker__Endpoint"] = Docker.Endpoint.ToString(),
            ["GoForge__Catalog__TemplateFolder"] = _templates!.Path,
            ["GoForge__Git__AllowLocalAndPrivateRepositories"] = "true",
            ["GoForge__Deployments__WorkDirectory"] = Path.Combine(_root, "work"),
            // Long enough that a deployment held unhealthy is still Deploying when the test kills the panel.
            ["GoForge__Deployments__DeployTimeout"] = "00:03:00",
            ["GoForge__Deployments__DrainDelay"] = drainDelay?.ToString("c", CultureInfo.InvariantCulture),
            ["GoForge__Proxy__Kind"] = "Caddy",
            ["GoForge__Proxy__Caddy__AdminUrl"] = Caddy.AdminUrl.ToString(),
            ["GoForge__Proxy__Caddy__ServerName"] = CaddyFixture.ServerName,
            ["GoForge__Proxy__Caddy__UseAddress"] = "true",
            ["GoForge__Proxy__Caddy__AutomaticHttps"] = "false",
        };
        _panel = await PanelProcess.StartAsync(environment);
        _drainDelay = drainDelay;
        _api = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = _panel.Address, Timeout = TimeSpan.FromMinutes(3) };
        _api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _token);
    }

    /// <summary>Pushes a new version of the application (its page says <paramref name="body"/>); returns the commit.</summary>
    internal string Push(string body, string? slowStepNonce = null) =>
        Repository.Commit(body, SampleDockerfiles.ServesIndexWithHealth(slowStepNonce), new Dictionary<string, string> { ["index.html"] = body + "\n" });

    /// <summary>A body no earlier version of this run served.</summary>
    internal string NextBody(string scenario) => $"{scenario}-{Interlocked.Increment(ref _versions).ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Queues a deployment of the branch head over the API; returns its id.</summary>
    internal async Task<Guid> QueueDeploymentAsync()
    {
        using var response = await Api.SendAsync(HttpMethod.Post, $"/api/v1/applications/{AppId}/deployments", new { });
        return await IdOfAsync(response, HttpStatusCode.Accepted);
    }

    /// <summary>Deploys one more version unless an earlier image that served is kept for a rollback.</summary>
    internal async Task EnsureRollbackTargetAsync()
    {
        using var response = await Api.GetAsync(new Uri($"/api/v1/applications/{AppId}/rollback-targets", UriKind.Relative));
        await ExpectAsync(response, HttpStatusCode.OK);
        if ((await response.JsonAsync()).GetArrayLength() == 0)
        {
            await DeployVersionAsync("before-rollback");
        }
    }

    /// <summary>Queues a rollback to the newest earlier image over the API; returns its id.</summary>
    internal async Task<Guid> QueueRollbackAsync()
    {
        using var response = await Api.SendAsync(HttpMethod.Post, $"/api/v1/applications/{AppId}/rollback", new { });
        return await IdOfAsync(response, HttpStatusCode.Accepted);
    }

    internal async Task SetVariableAsync(string key, string value)
    {
        using var response = await Api.SendAsync(HttpMethod.Put, $"/api/v1/applications/{AppId}/variables/{key}", new { value, isSecret = false, isBuildTime = false });
        await ExpectAsync(response, HttpStatusCode.NoContent);
    }

    internal async Task RemoveVariableAsync(string key)
    {
        using var response = await Api.SendAsync(HttpMethod.Delete, $"/api/v1/applications/{AppId}/variables/{key}");
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            await ExpectAsync(response, HttpStatusCode.NoContent);
        }
    }

    /// <summary>Asks for a service over the API; returns the queued operation and the service.</summary>
    internal async Task<(Guid Operation, Guid Service)> CreateServiceAsync(string templateId, string name, string version)
    {
        using var response = await Api.SendAsync(HttpMethod.Post, $"/api/v1/environments/{EnvironmentId}/services",
            new { templateId, name, version, domain = $"{name}.crash.test" });
        await ExpectAsync(response, HttpStatusCode.Accepted);
        var operation = await response.JsonAsync();
        return (operation.GetProperty("id").GetGuid(), operation.GetProperty("serviceId").GetGuid());
    }

    /// <summary>Asks for another version of a service over the API; returns the queued operation.</summary>
    internal async Task<Guid> ChangeServiceVersionAsync(Guid serviceId, string version)
    {
        using var response = await Api.SendAsync(HttpMethod.Put, $"/api/v1/services/{serviceId}/version", new { version });
        return await IdOfAsync(response, HttpStatusCode.Accepted);
    }

    /// <summary>Waits until the operation runs, the service is in <paramref name="state"/> and <paramref name="also"/> holds.</summary>
    internal Task WaitForServiceAsync(Guid operationId, Guid serviceId, string state, Func<bool> also) => EventuallyAsync(async () =>
    {
        var operation = await Records.OperationAsync(operationId);
        var service = await Records.ServiceAsync(serviceId);
        return operation.State == "running" && service.State == state && also() ? null : $"operation {operation.State}, {service}";
    }, $"the service {state}");

    /// <summary>Waits until the service operation has ended; returns its state and outcome.</summary>
    internal async Task<(string State, string? Outcome)> WaitOperationEndedAsync(Guid operationId)
    {
        await EventuallyAsync(async () => (await Records.OperationAsync(operationId)).State is "queued" or "running" ? $"operation {operationId} still in flight" : null, "the service operation to end");
        return await Records.OperationAsync(operationId);
    }

    /// <summary>Pushes a new version, deploys it, and waits until it serves through Caddy and the one it replaced is gone.</summary>
    internal async Task<Guid> DeployVersionAsync(string scenario = "version")
    {
        var body = NextBody(scenario);
        Push(body);
        var id = await QueueDeploymentAsync();
        var ended = await WaitEndedAsync(id);
        Assert.True(ended.State == "running", $"{ended}\n{Panel.OutputTail()}");
        await EventuallyAsync(async () => (await Caddy.GetAsync(AppHost)).Body == body ? null : $"Caddy does not serve {body} yet", $"{body} through Caddy");
        await EventuallyAsync(DescribeStraysAsync, "the replaced container to be drained and removed");
        return id;
    }

    internal async Task<DeploymentRecord> WaitEndedAsync(Guid deploymentId)
    {
        await EventuallyAsync(async () => await Records.DeploymentAsync(deploymentId) is { IsActive: true } d ? d.ToString() : null, $"deployment {deploymentId} to end");
        return await Records.DeploymentAsync(deploymentId);
    }

    /// <summary>Waits until <paramref name="reached"/> holds for the deployment, e.g. a state and a log line.</summary>
    internal async Task WaitForAsync(Guid deploymentId, Func<DeploymentRecord, Task<bool>> reached, string what) =>
        await EventuallyAsync(async () => await reached(await Records.DeploymentAsync(deploymentId)) ? null : (await Records.DeploymentAsync(deploymentId)).ToString(), what);

    /// <summary>After a restart: no deployment or service of the project is left in an active state.</summary>
    internal Task AssertNothingActiveAsync() => EventuallyAsync(ActiveWorkAsync, "no deployment or service left in an active state after the restart");

    /// <summary>Whether the deployment's clone folder is in the panel's work folder.</summary>
    internal bool HasCloneFolder(Guid deploymentId) => Directory.Exists(Path.Combine(_root, "work", deploymentId.ToString("N")));

    /// <summary>After a restart: every GoForge container of the project belongs to a running deployment or service.</summary>
    internal Task AssertNoStrayContainersAsync() =>
        EventuallyAsync(DescribeStraysAsync, "no GoForge container left that belongs to no running deployment or service");

    /// <summary>The containers of the project no running deployment or (running or stopped) service holds.</summary>
    internal async Task<IReadOnlyList<ContainerListResponse>> StrayContainersAsync()
    {
        var containers = await Docker.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{GoForgeLabels.Project}={ProjectId}"] = true } },
        });
        var held = (await Records.DeploymentsOfProjectAsync(ProjectId)).Where(d => d.State == "running").Select(d => d.ContainerId)
            .Concat((await Records.ServicesOfProjectAsync(ProjectId)).Where(s => s.State is "running" or "stopped").Select(s => s.ContainerId))
            .OfType<string>().ToHashSet(StringComparer.Ordinal);
        return [.. containers.Where(c => !held.Contains(c.ID))];
    }

    /// <summary>Ends the scenario: the next deployment works, and not one request failed throughout.</summary>
    internal async Task AssertNextDeployAndNoFailedRequestAsync(SteadyTraffic traffic, ITestOutputHelper output, string scenario, string? neverServed = null)
    {
        await DeployVersionAsync(scenario);
        var report = await traffic.StopAsync();
        output.WriteLine($"{report.Outcomes.Count} requests over {report.Seconds:F1} s through Caddy, {report.Failed.Count} failed, {report.Retried} retried once after a cut without an answer; " +
            $"p50 {report.Percentile(0.5):F1} ms, p99 {report.Percentile(0.99):F1} ms, max {report.Percentile(1):F1} ms; answers: {report.BodyCounts()}");
        Assert.True(report.Outcomes.Count > 0, "no request was sent");
        Assert.True(report.Failed.Count == 0,
            $"{report.Failed.Count} of {report.Outcomes.Count} requests failed:\n{report.FailureSummary()}\nanswers: {report.BodyCounts()}\n" +
            $"--- caddy ---\n{Caddy.OutputTail()}\n--- the panel ---\n{Panel.OutputTail()}");
        if (neverServed is not null)
        {
            Assert.DoesNotContain(report.Outcomes, o => o.Body == neverServed);
        }
    }

    private async Task SeedAsync(string gitUrl)
    {
        await using var seeding = await TestHost.StartOnAsync(_connectionString, new Dictionary<string, string?>
        {
            ["GoForge:SecretKey"] = _secretKey,
            ["GoForge:DataPath"] = DataPath,
        });
        var owner = Actor.From(await TestUsers.CreateAsync(seeding.Services));
        var (project, environment) = await seeding.Services.CreateProjectAsync(owner, "Crash");
        (ProjectId, EnvironmentId) = (project.Id, environment.Id);
        var token = await seeding.Get<ApiTokenService>().CreateAsync(owner, new ApiTokenInput { Name = "crash", Scopes = ApiScope.Read | ApiScope.Write | ApiScope.Deploy });
        Assert.True(token.IsSuccess, token.Error?.Message);
        _token = token.Value.Secret;
        var app = await seeding.Get<ApplicationService>().CreateAsync(owner, EnvironmentId, new ApplicationInput
        {
            Name = "steady",
            GitUrl = gitUrl,
            Branch = "main",
            ContainerPort = 8080,
            HealthCheckPath = SampleDockerfiles.HealthPath,
            Domains = AppHost,
        });
        Assert.True(app.IsSuccess, app.Error?.Message);
        AppId = app.Value.Id;
    }

    private async Task StopPanelAsync()
    {
        _api?.Dispose();
        _api = null;
        if (_panel is not null)
        {
            await _panel.DisposeAsync();
            _panel = null;
        }
    }

    private async Task<string?> ActiveWorkAsync()
    {
        var active = (await Records.DeploymentsOfProjectAsync(ProjectId)).Where(d => d.IsActive).Select(d => d.ToString())
            .Concat((await Records.ServicesOfProjectAsync(ProjectId)).Where(s => s.IsActive).Select(s => s.ToString()))
            .ToList();
        return active.Count == 0 ? null : string.Join("; ", active);
    }

    private async Task<string?> DescribeStraysAsync()
    {
        var strays = await StrayContainersAsync();
        if (strays.Count == 0)
        {
            return null;
        }

        var records = await Records.DeploymentsOfProjectAsync(ProjectId);
        return string.Join("; ", strays.Select(c =>
        {
            var owner = c.Labels.TryGetValue(GoForgeLabels.Deployment, out var deployment)
                ? records.FirstOrDefault(d => d.Id.ToString() == deployment)?.ToString() ?? $"deployment {deployment} (no record)"
                : c.Labels.TryGetValue(ServiceLabels.Service, out var service) ? $"service {service}" : "no owner label";
            return $"{string.Join(",", c.Names)} {c.State} of {owner}";
        }));
    }

    /// <summary>Waits until <paramref name="problem"/> answers null; fails with its last answer after <see cref="Promptly"/>.</summary>
    private async Task EventuallyAsync(Func<Task<string?>> problem, string what)
    {
        using var deadline = new CancellationTokenSource(Promptly);
        var last = await problem();
        while (last is not null)
        {
            if (_panel is { } panel && panel.HasExited)
            {
                Assert.Fail($"The panel exited while waiting for {what}.\n{panel.OutputTail()}");
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out after {Promptly.TotalSeconds:0} s waiting for {what}: {last}\n--- the panel's last lines ---\n{_panel?.OutputTail()}");
            }

            last = await problem();
        }
    }

    private async Task<Guid> IdOfAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        await ExpectAsync(response, expected);
        return (await response.JsonAsync()).GetProperty("id").GetGuid();
    }

    private async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}: {(int)response.StatusCode} " +
                $"{await response.Content.ReadAsStringAsync()}\n{_panel?.OutputTail()}");
        }
    }

    /// <summary>Every container, network and volume labelled with the project, the images built for the application, and the extra tag.</summary>
    private async Task RemoveFromEngineAsync()
    {
        var client = Docker.Client;
        var project = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{GoForgeLabels.Project}={ProjectId}"] = true } };
        foreach (var container in await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = project }))
        {
            await client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true });
        }

        foreach (var volume in (await client.Volumes.ListAsync(new VolumesListParameters { Filters = project })).Volumes ?? [])
        {
            await client.Volumes.RemoveAsync(volume.Name, force: true);
        }

        foreach (var network in await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = project }))
        {
            await client.Networks.DeleteNetworkAsync(network.ID);
        }

        var built = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{GoForgeLabels.App}={AppId}"] = true } };
        var images = (await client.Images.ListImagesAsync(new ImagesListParameters { Filters = built })).Select(i => i.ID).Append($"{VersionedImage}:latest");
        foreach (var image in images)
        {
            try
            {
                await client.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = true });
            }
            catch (DockerApiException)
            {
                // Gone with another tag, or still a parent: the engine prunes it with its last child.
            }
        }
    }
}
