using System.Net;
using System.Text.Json;
using GoForge.Core.Auditing;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Actor = GoForge.Core.Identity.Actor;

namespace GoForge.Tests.Api;

/// <summary>
/// Container logs, stats and Docker administration over /api/v1 on the real engine: a service whose container logs a
/// line with its password and then a tick a second, read (masked) and followed as NDJSON until the follow's time-out.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiWorkloadEngineTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private TestTemplateFolder _templates = null!;
    private GoForgeApp _app = null!;
    private User _owner = null!;
    private Project _project = null!;
    private ProjectEnvironment _environment = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _templates = await TestTemplateFolder.CreateAsync(docker);
        var template = await File.ReadAllTextAsync(Path.Combine(_templates.Path, "test-kv.yaml"));
        await File.WriteAllTextAsync(Path.Combine(_templates.Path, "test-logger.yaml"), template
            .Replace("id: test-kv", "id: test-logger", StringComparison.Ordinal)
            .Replace("name: Test KV", "name: test-logger", StringComparison.Ordinal)
            .Replace("""command: [httpd, -f, -p, "8080", -h, /data]""",
                """command: [httpd, -f, -vv, -p, "8080", -h, /data]""",
                StringComparison.Ordinal));
        _app = await GoForgeApp.StartAsync(postgres, "apiworkload", settings: new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:Catalog:TemplateFolder"] = _templates.Path,
        }, services: GoForgeApp.WithoutDeploymentWorker);
        _owner = await _app.CreateUserAsync();
        (_project, _environment) = await _app.Services.CreateProjectAsync(Actor.From(_owner), $"Api logs {Guid.NewGuid():N}"[..16]);
        _client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read | ApiScope.Write | ApiScope.Deploy));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.Services.RemoveProjectServicesAsync(_project.Id);
        await _app.DisposeAsync();
        _templates.Dispose();
    }

    [Fact]
    public async Task A_services_log_is_read_masked_and_followed_as_ndjson_until_the_time_out_ends_it()
    {
        var (id, password) = await CreateLoggerAsync();
        var container = await ContainerIdAsync(id);

        // httpd -vv logs each request with its path: a path holding the password puts a secret into the log.
        var text = "";
        await Wait.UntilAsync(async () =>
        {
            await RequestAsync(container, "/" + password);
            text = await (await _client.GetAsync($"/api/v1/services/{id}/logs?tail=50")).Content.ReadAsStringAsync();
            return JsonDocument.Parse(text).RootElement.GetProperty("lines").GetArrayLength() > 0;
        }, "the service's first log lines");

        Assert.DoesNotContain(password, text, StringComparison.Ordinal);
        using var read = JsonDocument.Parse(text);
        var lines = read.RootElement.GetProperty("lines").EnumerateArray().ToList();
        var since = lines[^1].GetProperty("time").GetString();
        var after = await (await _client.GetAsync($"/api/v1/services/{id}/logs?tail=50&since={Uri.EscapeDataString(since!)}")).JsonAsync();
        Assert.DoesNotContain(after.GetProperty("lines").EnumerateArray(), l => l.GetProperty("time").GetString() == since);

        // The request before the follow comes with the tail; the one after the first streamed line comes live.
        await RequestAsync(container, "/followed-" + password);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/services/{id}/logs?follow=true&tail=4&timeout=5");
        using var followed = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, followed.StatusCode);
        Assert.Equal("application/x-ndjson", followed.Content.Headers.ContentType?.MediaType);
        Assert.Equal("api-token", RateLimitHeaders.Read(followed).Policy);
        using var reader = new StreamReader(await followed.Content.ReadAsStreamAsync());
        var streamed = new List<string>();
        using var bound = new CancellationTokenSource(Wait.DefaultTimeout);
        while (await reader.ReadLineAsync(bound.Token) is { } line)
        {
            streamed.Add(JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!);
            if (streamed.Count == 1)
            {
                await RequestAsync(container, "/live-" + password);
            }
        }

        // The stream ended by itself (the follow's time-out), with both requests, masked.
        Assert.False(bound.IsCancellationRequested);
        Assert.Contains(streamed, l => l.Contains("followed-", StringComparison.Ordinal));
        Assert.Contains(streamed, l => l.Contains("live-", StringComparison.Ordinal));
        Assert.DoesNotContain(streamed, l => l.Contains(password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stats_name_the_running_container_and_a_resource_sample()
    {
        var (id, _) = await CreateLoggerAsync();

        var stats = await (await _client.GetAsync($"/api/v1/services/{id}/stats?wait=20")).JsonAsync();

        Assert.True(stats.GetProperty("engineConnected").GetBoolean());
        Assert.Equal("running", stats.GetProperty("container").GetProperty("state").GetString());
        Assert.Equal(12, stats.GetProperty("container").GetProperty("id").GetString()!.Length);
        Assert.True(stats.GetProperty("sample").GetProperty("memoryUsedBytes").GetUInt64() > 0, stats.ToString());
    }

    [Fact]
    public async Task An_administrator_reads_disk_usage_plans_a_prune_and_prunes_only_what_is_confirmed()
    {
        var admin = _app.TokenClient(await _app.CreateTokenAsync(await _app.CreateUserAsync(UserRole.Admin), ApiScope.Admin));

        var overview = await (await admin.GetAsync("/api/v1/docker")).JsonAsync();
        var plan = await admin.GetAsync("/api/v1/docker/prune/stoppedContainers");
        var unmanaged = await (await admin.SendAsync(HttpMethod.Post, "/api/v1/docker/prune/stoppedContainers",
            new { candidates = new[] { new { id = "0123456789ab", description = "someone else's", sizeBytes = 0, managed = false } } })).AssertProblemAsync(400);

        // Confirming nothing removes nothing, on an engine other tests share.
        var pruned = await (await admin.SendAsync(HttpMethod.Post, "/api/v1/docker/prune/stoppedContainers", new { candidates = Array.Empty<object>() })).JsonAsync();

        Assert.True(overview.GetProperty("engine").GetProperty("reachable").GetBoolean(), overview.ToString());
        Assert.NotEmpty(overview.GetProperty("diskUsage").GetProperty("lines").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, plan.StatusCode);
        Assert.True(unmanaged.GetProperty("errors").TryGetProperty("everything", out _), unmanaged.ToString());
        Assert.Equal(0, pruned.GetProperty("removed").GetInt32());
        Assert.Contains(await _app.Get<IAuditLog>().ListRecentAsync(10), e => e.Action == AuditActions.DockerPruned);
        Assert.Equal(HttpStatusCode.Forbidden, (await _client.GetAsync("/api/v1/docker")).StatusCode);
    }

    private async Task<string> ContainerIdAsync(string serviceId) =>
        (await (await _client.GetAsync($"/api/v1/services/{serviceId}/stats?wait=0")).JsonAsync()).GetProperty("container").GetProperty("id").GetString()!;

    /// <summary>One request to the container's httpd, straight to its address; whatever it answers.</summary>
    private async Task RequestAsync(string containerId, string path)
    {
        var inspected = await docker.Client.Containers.InspectContainerAsync(containerId);
        var ip = inspected.NetworkSettings!.Networks.Values.Select(n => n.IPAddress).First(a => !string.IsNullOrEmpty(a));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var answer = await http.GetAsync(new Uri($"http://{ip}:8080{path}"));
    }

    private async Task<(string Id, string Password)> CreateLoggerAsync()
    {
        var created = await _client.SendAsync(HttpMethod.Post, $"/api/v1/environments/{_environment.Id}/services?wait=120",
            new { templateId = "test-logger", name = "logger-" + Guid.NewGuid().ToString("N")[..6], domain = $"{Guid.NewGuid():N}.example" });
        var service = await created.JsonAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, service.ToString());
        Assert.Equal("running", service.GetProperty("state").GetString());
        var id = service.GetProperty("id").GetString()!;
        var inputs = (await _app.Get<GoForge.Core.Services.IServiceInstanceRepository>().GetInputsAsync(Guid.Parse(id))).Inputs;
        return (id, inputs["password"]);
    }
}
