using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GoForge.Tests.Deployments;
using GoForge.Tests.Git;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Production;

/// <summary>
/// The production install, started for real on a fresh engine: deploy/docker-compose.yml through deploy/install.sh
/// --proxy caddy, with PostgreSQL, Caddy and the panel's own image built locally from Debian (no registry is
/// reachable here; the compose file is the one users run, only its image variables are set). The panel runs in its
/// container, drives the engine through the mounted socket and Caddy through the admin socket, and probes the app
/// through the edge network. One long scenario, because each step needs the state the one before left.
/// </summary>
[Collection(ProductionStackCollection.Name)]
public sealed class ProductionStackTests : IAsyncLifetime
{
    private const string AppHost = "app.stack.example.com";
    private const int RequestsPerSecond = 20;
    private static readonly TimeSpan Promptly = TimeSpan.FromMinutes(3);
    private readonly string _root = Directory.CreateTempSubdirectory("goforge-stack-").FullName;
    private readonly DockerFixture _docker = new();
    private NetworkedDockerDaemon? _engine;
    private GitDaemon? _git;
    private ProductionStack _stack = null!;
    private SampleRepository _repository = null!;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        await _docker.InitializeAsync();
        await LocalImages.DebianAsync(_docker.Client, timeout.Token);
        var built = await Task.WhenAll(
            LocalImages.PostgresAsync(_docker.Client, timeout.Token),
            LocalImages.CaddyAsync(_docker.Client, timeout.Token),
            LocalImages.PanelAsync(_docker.Client, timeout.Token));
        _engine = await NetworkedDockerDaemon.StartAsync(timeout.Token);
        await _engine.LoadImagesAsync(_docker.Client, built, timeout.Token);

        var repositories = Directory.CreateDirectory(Path.Combine(_root, "git")).FullName;
        _repository = new SampleRepository(repositories);
        _repository.Commit("v1", SampleDockerfiles.ServesIndex("v1"), new Dictionary<string, string> { ["index.html"] = "v1" });
        _git = await GitDaemon.StartAsync(repositories, _engine.HostAddress);
        _stack = new ProductionStack(_engine, _root, new Dictionary<string, string>
        {
            ["POSTGRES_IMAGE"] = built[0],
            ["CADDY_IMAGE"] = built[1],
            ["GOFORGE_IMAGE"] = built[2],
        });
        _stack.CopyDeployFiles();
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_engine is not null && File.Exists(Path.Combine(_stack.DeployDirectory, ".env")))
            {
                await _stack.ComposeAsync("down", "--volumes", "--timeout", "5");
            }
        }
        finally
        {
            if (_git is not null)
            {
                await _git.DisposeAsync();
            }

            if (_engine is not null)
            {
                await _engine.DisposeAsync();
            }

            await _docker.DisposeAsync();
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task The_stack_installs_serves_over_https_redeploys_without_a_failed_request_backs_up_restores_and_survives_down_and_up()
    {
        try
        {
            await RunScenarioAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException($"{e.Message}\n{await _stack.DiagnosticsAsync()}", e);
        }
    }

    private async Task RunScenarioAsync()
    {
        // 1. Install; the setup link creates the administrator over HTTPS through Caddy.
        var install = await _stack.InstallAsync("--domain", ProductionStack.PanelHost, "--email", ProductionStack.AcmeEmail, "--proxy", "caddy", "--tls", "internal");
        Assert.True(install.ExitCode == 0, install.ToString());
        var link = ProductionStack.SetupLink(install);
        Assert.Equal(ProductionStack.PanelHost, link.Host);
        using var browser = new HttpClient(await _stack.ProxyHandlerAsync(cookies: true)) { BaseAddress = new Uri($"https://{ProductionStack.PanelHost}/") };
        var created = await FormClient.SubmitAsync(browser, link.PathAndQuery, new Dictionary<string, string>
        {
            ["Input.Login"] = "founder",
            ["Input.DisplayName"] = "Founder",
            ["Input.Password"] = TestUsers.Password,
            ["Input.ConfirmPassword"] = TestUsers.Password,
        });
        Assert.True(created.StatusCode == HttpStatusCode.Redirect, $"setup answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        Assert.Equal(HttpStatusCode.Redirect, (await FormClient.SignInAsync(browser, "founder", TestUsers.Password)).StatusCode);

        // An API token, made on the server by the operator (the panel's CLI, in its container).
        var token = await _stack.ExecAsync("goforge", "/app/GoForge.Web", "user", "token", "founder", "--name", "stack-test",
            "--scope", "read", "--scope", "write", "--scope", "deploy", "--scope", "admin");
        Assert.True(token.ExitCode == 0, token.ToString());
        using var api = new HttpClient(await _stack.ProxyHandlerAsync()) { BaseAddress = new Uri($"https://{ProductionStack.PanelHost}/") };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.StandardOutput.Trim());

        // 2. The sample app with a domain and a health-check path: the panel probes it from its container.
        await SendAsync(api, HttpMethod.Put, "/api/v1/settings/repositories", new { allowLocalAndPrivate = true });
        var project = await SendAsync(api, HttpMethod.Post, "/api/v1/projects", new { name = "Stack" });
        var environments = await SendAsync(api, HttpMethod.Get, $"/api/v1/projects/{project.GetProperty("id").GetGuid()}/environments");
        var environmentId = environments.GetProperty("items")[0].GetProperty("id").GetGuid();
        var app = await SendAsync(api, HttpMethod.Post, $"/api/v1/environments/{environmentId}/applications", new
        {
            name = "web",
            gitUrl = _git!.UrlOf(_repository.GitUrl),
            domains = new[] { AppHost },
            healthCheckPath = "/index.html",
            containerPort = 8080,
        });
        var appId = app.GetProperty("id").GetGuid();
        await DeployAsync(api, appId);
        using var visitor = new HttpClient(await _stack.ProxyHandlerAsync());
        Assert.Equal("v1", (await visitor.GetStringAsync($"https://{AppHost}/")).Trim());

        // Apps share the edge network with the panel, but nothing of the panel listens there.
        var panelOnEdge = await AddressOnAsync("goforge", "goforge-proxy");
        var appContainer = await AppContainerAsync(appId);
        var reach = await _stack.ProcessInAsync(appContainer, "wget", "-q", "-T", "3", "-O", "-", $"http://{panelOnEdge}:8080/healthz");
        Assert.True(reach.ExitCode != 0, $"an app reached the panel's port on the edge network: {reach}");

        // 3. Three redeploys under steady load through the proxy: not one failed request.
        await using (var traffic = SteadyTraffic.Start(await _stack.ProxyHandlerAsync(), new Uri($"https://{AppHost}/"), RequestsPerSecond, TimeSpan.FromSeconds(10)))
        {
            for (var version = 2; version <= 4; version++)
            {
                _repository.Commit($"v{version}", SampleDockerfiles.ServesIndex($"v{version}"), new Dictionary<string, string> { ["index.html"] = $"v{version}" });
                await DeployAsync(api, appId);
            }

            // The last switch is done when its deployment runs; the traffic goes on until the proxy answers with it.
            await Wait.UntilAsync(async () => await BodyAsync(visitor, $"https://{AppHost}/") == "v4", "the proxy answering with v4", Promptly);
            await Task.Delay(TimeSpan.FromSeconds(1));
            var report = await traffic.StopAsync();
            Assert.True(report.Failed.Count == 0, $"{report.Failed.Count} of {report.Outcomes.Count} requests failed: {report.FailureSummary()}");
            Assert.Contains("v4", report.BodyCounts(), StringComparison.Ordinal);
        }

        // 4. Backup in the panel's container; a project made after it is gone once the backup is restored.
        var backup = await _stack.ExecAsync("goforge", "/app/GoForge.Web", "backup", "--output", "/data/backups/stack.dump");
        Assert.True(backup.ExitCode == 0, backup.ToString());
        var later = await SendAsync(api, HttpMethod.Post, "/api/v1/projects", new { name = "After the backup" });
        await _stack.ComposeAsync("stop", "goforge");
        var restore = await _stack.ComposeRunAsync("goforge", "/app/GoForge.Web", "restore", "--input", "/data/backups/stack.dump", "--force");
        Assert.True(restore.ExitCode == 0, restore.ToString());
        await _stack.ComposeAsync("start", "goforge");
        await Wait.UntilAsync(async () => (await api.GetAsync("/api/v1/me")).StatusCode == HttpStatusCode.OK, "the panel answering after the restore", Promptly);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/projects/{later.GetProperty("id").GetGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/v1/applications/{appId}")).StatusCode);

        // 5. install.sh again is an upgrade: the database is backed up first and .env's generated secrets are kept.
        var envBefore = await File.ReadAllLinesAsync(Path.Combine(_stack.DeployDirectory, ".env"));
        var upgrade = await _stack.InstallAsync();
        Assert.True(upgrade.ExitCode == 0, upgrade.ToString());
        Assert.Contains("Backed up the database to /data/backups/before-upgrade-", upgrade.StandardOutput, StringComparison.Ordinal);
        var envAfter = await File.ReadAllLinesAsync(Path.Combine(_stack.DeployDirectory, ".env"));
        foreach (var generated in new[] { "POSTGRES_PASSWORD=", "GOFORGE_SECRET_KEY=" })
        {
            Assert.Equal(Assert.Single(envBefore, l => l.StartsWith(generated, StringComparison.Ordinal)), Assert.Single(envAfter, l => l.StartsWith(generated, StringComparison.Ordinal)));
        }

        // The whole stack down and up again: the admin, the token, the app and its route are all still there.
        await _stack.ComposeAsync("down", "--timeout", "20");
        var again = await _stack.InstallAsync();
        Assert.True(again.ExitCode == 0, again.ToString());
        await Wait.UntilAsync(async () => (await api.GetAsync("/api/v1/me")).StatusCode == HttpStatusCode.OK, "the panel answering after down and up", Promptly);
        await Wait.UntilAsync(async () => await BodyAsync(visitor, $"https://{AppHost}/") == "v4", "the app served again after down and up", Promptly);
        Assert.Equal(HttpStatusCode.Redirect, (await FormClient.SignInAsync(new HttpClient(await _stack.ProxyHandlerAsync(cookies: true)) { BaseAddress = new Uri($"https://{ProductionStack.PanelHost}/") }, "founder", TestUsers.Password)).StatusCode);
    }

    private static async Task<string?> BodyAsync(HttpClient client, string url)
    {
        try
        {
            using var response = await client.GetAsync(url);
            return response.StatusCode == HttpStatusCode.OK ? (await response.Content.ReadAsStringAsync()).Trim() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Queues a deployment of the branch head and waits until it ends; fails unless it runs.</summary>
    private static async Task DeployAsync(HttpClient api, Guid appId)
    {
        var deployment = await SendAsync(api, HttpMethod.Post, $"/api/v1/applications/{appId}/deployments", new { });
        var id = deployment.GetProperty("id").GetGuid();
        JsonElement current = deployment;
        await Wait.UntilAsync(async () =>
        {
            current = await SendAsync(api, HttpMethod.Get, $"/api/v1/deployments/{id}");
            return current.GetProperty("state").GetString() is not ("pending" or "cloning" or "building" or "deploying");
        }, $"deployment {id} to end", Promptly);
        if (current.GetProperty("state").GetString() != "running")
        {
            var log = await SendAsync(api, HttpMethod.Get, $"/api/v1/deployments/{id}/log");
            Assert.Fail($"deployment {id} ended {current}\n{log}");
        }
    }

    private static async Task<JsonElement> SendAsync(HttpClient api, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await api.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} answered {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<string> AddressOnAsync(string service, string network)
    {
        var inspected = await _engine!.Client.Containers.InspectContainerAsync(await _stack.ContainerIdAsync(service));
        return inspected.NetworkSettings!.Networks![network].IPAddress;
    }

    private async Task<string> AppContainerAsync(Guid appId)
    {
        var found = await _engine!.Client.Containers.ListContainersAsync(new global::Docker.DotNet.Models.ContainersListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"goforge.app={appId}"] = true } },
        });
        return Assert.Single(found).ID;
    }
}

[CollectionDefinition(Name)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "xunit's naming for collection definitions.")]
public sealed class ProductionStackCollection
{
    public const string Name = "Production stack";
}
