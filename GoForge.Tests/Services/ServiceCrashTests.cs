using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using Docker.DotNet.Models;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Services;
using GoForge.Tests.Api;
using GoForge.Tests.Benchmarks;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Actor = GoForge.Core.Identity.Actor;

namespace GoForge.Tests.Services;

/// <summary>
/// The real panel as its own process is SIGKILLed while the service worker pulls an image from a registry that never
/// answers; a second panel process on the same database ends the operation with a recorded outcome (Failed
/// "interrupted by restart"), fails the service and leaves no container on the engine.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ServiceCrashTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(60);

    private readonly SilentRegistry _registry = new();
    private TestTemplateFolder _templates = null!;
    private string _data = null!;

    public async Task InitializeAsync()
    {
        _templates = await TestTemplateFolder.CreateAsync(docker);
        await _templates.AddVariantAsync("test-stalled", $"127.0.0.1:{_registry.Port}/goforge-test/stalled");
        _data = Directory.CreateTempSubdirectory("goforge-crash-").FullName;
    }

    public Task DisposeAsync()
    {
        _registry.Dispose();
        _templates.Dispose();
        Directory.Delete(_data, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_panel_SIGKILLed_during_a_pull_ends_the_operation_failed_as_interrupted_after_restart_and_leaves_no_container()
    {
        var connectionString = await postgres.CreateDatabaseAsync("servicecrash");
        var secretKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Guid projectId, environmentId;
        string token;
        await using (var seeding = await TestHost.StartOnAsync(connectionString, new Dictionary<string, string?> { ["GoForge:SecretKey"] = secretKey }))
        {
            var owner = await TestUsers.CreateAsync(seeding.Services);
            var (project, environment) = await seeding.Services.CreateProjectAsync(Actor.From(owner), "Crash");
            (projectId, environmentId) = (project.Id, environment.Id);
            var created = await seeding.Get<ApiTokenService>().CreateAsync(Actor.From(owner), new ApiTokenInput { Name = "crash", Scopes = ApiScope.Read | ApiScope.Write });
            Assert.True(created.IsSuccess, created.Error?.Message);
            token = created.Value.Secret;
        }

        var environmentVariables = new Dictionary<string, string?>
        {
            ["ConnectionStrings__GoForge"] = connectionString,
            ["GoForge__DataPath"] = _data,
            ["GoForge__SecretKey"] = secretKey,
            ["GoForge__Docker__Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge__Catalog__TemplateFolder"] = _templates.Path,
        };
        var database = new Probe(connectionString);
        Guid operationId, serviceId;
        await using (var first = await PanelProcess.StartAsync(environmentVariables))
        {
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = first.Address, Timeout = Promptly };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var before = _registry.Connections;
            var response = await client.SendAsync(HttpMethod.Post, $"/api/v1/environments/{environmentId}/services", new { templateId = "test-stalled", name = "cut", domain = "cut.example" });
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{first.OutputTail()}");
            var operation = await response.JsonAsync();
            operationId = Guid.Parse(operation.GetProperty("id").GetString()!);
            serviceId = Guid.Parse(operation.GetProperty("serviceId").GetString()!);

            await Wait.UntilAsync(async () => (await database.OperationAsync(operationId)).State == "running" && await database.ServiceStateAsync(serviceId) == "pulling", "operation running, service pulling", Promptly);
            await Wait.UntilAsync(() => Task.FromResult(_registry.Connections > before), "the engine connecting to the registry", Promptly);

            await first.KillAsync();
        }

        // Nothing recorded an end: the SIGKILL left the operation Running and the service Pulling.
        Assert.Equal(("running", (string?)null), await database.OperationAsync(operationId));
        Assert.Equal("pulling", await database.ServiceStateAsync(serviceId));

        await using (var second = await PanelProcess.StartAsync(environmentVariables))
        {
            await Wait.UntilAsync(async () => (await database.OperationAsync(operationId)).State != "running", "the operation ended after the restart", Promptly);
            Assert.Equal(("failed", "failed: " + ServiceRecovery.InterruptedReason), await database.OperationAsync(operationId));
            await Wait.UntilAsync(async () => await database.ServiceStateAsync(serviceId) == "failed", "the service failed after the restart", Promptly);
            Assert.Equal(ServiceRecovery.InterruptedReason, await database.ServiceReasonAsync(serviceId));

            // Straight from the engine (a TestHost here would run its own recovery), stopped ones included.
            var left = await docker.Client.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{ServiceLabels.Project}={projectId}"] = true } },
            });
            Assert.Empty(left);
        }
    }

    /// <summary>Reads the queue and the service straight from PostgreSQL, past every cache.</summary>
    private sealed class Probe(string connectionString)
    {
        public async Task<(string State, string? Outcome)> OperationAsync(Guid id)
        {
            await using var conn = new Npgsql.NpgsqlConnection(connectionString);
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand("SELECT state, outcome FROM service_operations WHERE id = @id", conn);
            cmd.Parameters.AddWithValue("id", id);
            await using var reader = await cmd.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            return (reader.GetString(0).ToLowerInvariant(), reader.IsDBNull(1) ? null : reader.GetString(1));
        }

        public async Task<string?> ServiceStateAsync(Guid id) => (await ScalarAsync("SELECT state FROM service_instances WHERE id = @id", id))?.ToLowerInvariant();

        public Task<string?> ServiceReasonAsync(Guid id) => ScalarAsync("SELECT reason FROM service_instances WHERE id = @id", id);

        private async Task<string?> ScalarAsync(string sql, Guid id)
        {
            await using var conn = new Npgsql.NpgsqlConnection(connectionString);
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
            cmd.Parameters.AddWithValue("id", id);
            return await cmd.ExecuteScalarAsync() as string;
        }
    }
}
