using System.Net;
using System.Text.Json;
using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Projects;
using GoForge.Core.Services;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Actor = GoForge.Core.Identity.Actor;

namespace GoForge.Tests.Api;

/// <summary>
/// Services over /api/v1 on the real engine: create from the test template, stop, start, restart, change version,
/// link and delete, each answered with the state the service ended in; and refused input that stores nothing.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiServiceLifecycleTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private const string SecondVersion = "v2";

    private TestTemplateFolder _templates = null!;
    private GoForgeApp _app = null!;
    private User _owner = null!;
    private Project _project = null!;
    private ProjectEnvironment _environment = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _templates = await TestTemplateFolder.CreateAsync(docker, SecondVersion);
        _app = await GoForgeApp.StartAsync(postgres, "apiservicelife", settings: new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:Catalog:TemplateFolder"] = _templates.Path,
        }, services: GoForgeApp.WithoutDeploymentWorker);
        _owner = await _app.CreateUserAsync();
        (_project, _environment) = await _app.Services.CreateProjectAsync(Actor.From(_owner), $"Api svc {Guid.NewGuid():N}"[..16]);
        _client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read | ApiScope.Write | ApiScope.Deploy | ApiScope.Secrets));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.Services.RemoveProjectServicesAsync(_project.Id);
        await _app.DisposeAsync();
        _templates.Dispose();
    }

    [Fact]
    public async Task A_service_created_with_only_its_template_and_domain_runs_with_generated_credentials_and_answers_every_action_with_its_state()
    {
        var created = await _client.SendAsync(HttpMethod.Post, $"/api/v1/environments/{_environment.Id}/services?wait=120", new { templateId = "test-kv", domain = "kv.api-test.example" });
        var service = await created.JsonAsync();
        var id = service.GetProperty("id").GetString()!;

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/services/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("running", service.GetProperty("state").GetString());
        Assert.Equal("test-kv", service.GetProperty("name").GetString());
        var inputs = (await _app.Get<IServiceInstanceRepository>().GetInputsAsync(Guid.Parse(id))).Inputs;
        Assert.Equal(24, inputs["password"].Length);
        Assert.Equal("kv", inputs["realm"]);
        Assert.DoesNotContain(inputs["password"], service.ToString(), StringComparison.Ordinal);
        var connection = await (await _client.GetAsync($"/api/v1/services/{id}/connection")).JsonAsync();
        Assert.Contains(connection.GetProperty("outputs").EnumerateArray(), o => o.GetProperty("value").GetString() == $"http://kv:{inputs["password"]}@test-kv:8080/");

        var stopped = await (await _client.SendAsync(HttpMethod.Post, $"/api/v1/services/{id}/stop?wait=120")).JsonAsync();
        Assert.Equal("stopped", stopped.GetProperty("state").GetString());
        Assert.False((await ContainerAsync()).State == "running");

        var started = await (await _client.SendAsync(HttpMethod.Post, $"/api/v1/services/{id}/start?wait=120")).JsonAsync();
        Assert.Equal("running", started.GetProperty("state").GetString());
        Assert.Equal("running", (await ContainerAsync()).State);

        var restarted = await (await _client.SendAsync(HttpMethod.Post, $"/api/v1/services/{id}/restart?wait=120")).JsonAsync();
        Assert.Equal("running", restarted.GetProperty("state").GetString());

        var changed = await (await _client.SendAsync(HttpMethod.Put, $"/api/v1/services/{id}/version?wait=120", new { version = SecondVersion })).JsonAsync();
        Assert.Equal(("running", SecondVersion), (changed.GetProperty("state").GetString(), changed.GetProperty("version").GetString()));
        Assert.EndsWith(":" + SecondVersion, (await ContainerAsync()).Image, StringComparison.Ordinal);

        var deleted = await _client.SendAsync(HttpMethod.Delete, $"/api/v1/services/{id}?keepVolumes=false&wait=120");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await (await _client.GetAsync($"/api/v1/services/{id}")).AssertProblemAsync(404);
        Assert.Empty(await ContainersAsync());
        Assert.Empty(await _app.Get<IVolumeStore>().ListVolumesAsync(new Dictionary<string, string> { [ServiceLabels.Project] = _project.Id.ToString() }));
    }

    [Fact]
    public async Task Without_wait_an_action_answers_202_with_its_operation_whose_location_follows_it_to_the_outcome()
    {
        var created = await _client.SendAsync(HttpMethod.Post, $"/api/v1/environments/{_environment.Id}/services", new { templateId = "test-kv", name = "queued", domain = "queued.api-test.example" });
        var operation = await created.JsonAsync();

        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var serviceId = operation.GetProperty("serviceId").GetString();
        var location = created.Headers.Location?.OriginalString;
        Assert.Equal($"/api/v1/services/{serviceId}/operations/{operation.GetProperty("id").GetString()}", location);
        Assert.Equal("create", operation.GetProperty("kind").GetString());
        Assert.Equal("queued", operation.GetProperty("state").GetString());

        System.Text.Json.JsonElement followed = default;
        await Wait.UntilAsync(async () =>
        {
            followed = await (await _client.GetAsync(location!)).JsonAsync();
            return followed.GetProperty("state").GetString() is "succeeded" or "failed";
        }, "the create to end", TimeSpan.FromMinutes(2));
        Assert.Equal(("succeeded", "running"), (followed.GetProperty("state").GetString(), followed.GetProperty("outcome").GetString()));

        // A wait out of bounds is refused at once, before anything is queued; one in bounds answers the outcome.
        await (await _client.SendAsync(HttpMethod.Post, $"/api/v1/services/{serviceId}/stop?wait=301")).AssertProblemAsync(400);
        Assert.Equal("running", (await (await _client.GetAsync($"/api/v1/services/{serviceId}")).JsonAsync()).GetProperty("state").GetString());
        var stopped = await (await _client.SendAsync(HttpMethod.Post, $"/api/v1/services/{serviceId}/stop?wait=120")).JsonAsync();
        Assert.Equal("stopped", stopped.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Refused_input_is_400_naming_the_field_and_stores_no_service()
    {
        var path = $"/api/v1/environments/{_environment.Id}/services";
        var cases = new (object Body, string Field)[]
        {
            (new { templateId = "no-such-template" }, "templateId"),
            (new { templateId = "../test-kv" }, "templateId"),
            (new { templateId = "test-kv", domain = "kv.example", name = "--;|&" }, "name"),
            (new { templateId = "test-kv", domain = "kv.example", version = "--privileged" }, "version"),
            (new { templateId = "test-kv" }, "domain"),
            (new { templateId = "test-kv", domain = "kv.example", inputs = new Dictionary<string, string> { ["shell"] = "x" } }, "inputs.shell"),
            (new { templateId = "test-kv", domain = "kv.example", inputs = new Dictionary<string, string> { ["realm"] = new string('r', 100_000) } }, "inputs.realm"),
        };

        foreach (var (body, field) in cases)
        {
            var problem = await (await _client.SendAsync(HttpMethod.Post, path, body)).AssertProblemAsync(400);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{JsonSerializer.Serialize(body)[..Math.Min(120, JsonSerializer.Serialize(body).Length)]}: {problem}");
        }

        var listed = await (await _client.GetAsync($"/api/v1/environments/{_environment.Id}/services")).JsonAsync();
        Assert.Empty(listed.GetProperty("items").EnumerateArray());
        Assert.Empty(await ContainersAsync());
    }

    [Fact]
    public async Task A_service_whose_image_cannot_be_pulled_is_created_failed_with_the_reason_and_leaves_no_container()
    {
        var created = await _client.SendAsync(HttpMethod.Post, $"/api/v1/environments/{_environment.Id}/services?wait=120", new { templateId = "test-absent", name = "absent", domain = "absent.example" });
        var service = await created.JsonAsync();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("failed", service.GetProperty("state").GetString());
        Assert.Contains("127.0.0.1:9/goforge-test/absent", service.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(await ContainersAsync());
    }

    [Fact]
    public async Task Linking_writes_the_output_as_a_secret_variable_of_an_application_in_the_environment()
    {
        var application = await _app.Services.CreateApplicationAsync(Actor.From(_owner), _environment.Id, "linked");
        var service = await (await _client.SendAsync(HttpMethod.Post, $"/api/v1/environments/{_environment.Id}/services?wait=120", new { templateId = "test-absent", name = "cache", domain = "cache.example" })).JsonAsync();
        var id = service.GetProperty("id").GetString();

        var linked = await _client.SendAsync(HttpMethod.Post, $"/api/v1/services/{id}/links", new { applicationId = application.Id, outputName = "authenticated_url", key = "CACHE_URL" });
        var badOutput = await (await _client.SendAsync(HttpMethod.Post, $"/api/v1/services/{id}/links", new { applicationId = application.Id, outputName = "nope", key = "X" })).AssertProblemAsync(400);
        var badKey = await (await _client.SendAsync(HttpMethod.Post, $"/api/v1/services/{id}/links", new { applicationId = application.Id, outputName = "url", key = "A;rm -rf" })).AssertProblemAsync(400);

        Assert.Equal(HttpStatusCode.NoContent, linked.StatusCode);
        Assert.True(badOutput.GetProperty("errors").TryGetProperty("outputName", out _), badOutput.ToString());
        Assert.True(badKey.GetProperty("errors").TryGetProperty("key", out _), badKey.ToString());
        var variables = await (await _client.GetAsync($"/api/v1/applications/{application.Id}/variables")).JsonAsync();
        var variable = Assert.Single(variables.GetProperty("items").EnumerateArray());
        var password = (await _app.Get<IServiceInstanceRepository>().GetInputsAsync(Guid.Parse(id!))).Inputs["password"];
        Assert.Equal(("CACHE_URL", true), (variable.GetProperty("key").GetString(), variable.GetProperty("isSecret").GetBoolean()));
        Assert.Equal($"http://kv:{password}@cache:8080/", variable.GetProperty("value").GetString());
    }

    private async Task<IList<ContainerListResponse>> ContainersAsync() =>
        await docker.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{ServiceLabels.Project}={_project.Id}"] = true } },
        });

    private async Task<ContainerListResponse> ContainerAsync() => Assert.Single(await ContainersAsync());
}
