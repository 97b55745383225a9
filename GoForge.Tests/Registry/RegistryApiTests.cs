using System.Net;
using System.Text;
using Dapper;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Tests.Api;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Npgsql;

namespace GoForge.Tests.Registry;

/// <summary>Image applications and their registry credential over the API (real PostgreSQL; nothing is deployed).</summary>
[Collection(PostgresCollection.Name)]
public sealed class RegistryApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Password = "api-registry-secret-93b1";
    private GoForgeApp _app = null!;
    private User _owner = null!;

    public async Task InitializeAsync()
    {
        _app = await GoForgeApp.StartAsync(postgres, "registryapi", services: GoForgeApp.WithoutDeploymentWorker);
        _owner = await _app.CreateUserAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_image_application_is_created_without_git_fields_and_answers_its_source_image_and_digest_check()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Image create");
        var client = await ClientAsync();

        var created = await client.SendAsync(HttpMethod.Post, $"/api/v1/environments/{world.Environment.Id}/applications",
            ImageApp("web image", "127.0.0.1:5000/team/web:1.2", digestCheckMinutes: 10));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        Assert.Equal("image", body.GetProperty("source").GetString());
        Assert.Equal("127.0.0.1:5000/team/web:1.2", body.GetProperty("image").GetString());
        Assert.Equal(10, body.GetProperty("digestCheckMinutes").GetInt32());
        Assert.Equal("", body.GetProperty("gitUrl").GetString());
    }

    [Theory]
    [InlineData("nginx; rm -rf /")]
    [InlineData("--help")]
    [InlineData("-H unix:///var/run/docker.sock")]
    [InlineData("ngïnx:1")]
    [InlineData(" nginx")]
    [InlineData("nginx:$(id)")]
    [InlineData("")]
    public async Task A_hostile_image_reference_is_400_naming_the_field_and_creates_nothing(string image)
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Hostile image");
        var client = await ClientAsync();

        var refused = await client.SendAsync(HttpMethod.Post, $"/api/v1/environments/{world.Environment.Id}/applications", ImageApp("hostile", image));

        var problem = await refused.AssertProblemAsync(400);
        Assert.Contains("imageReference", problem.ToString(), StringComparison.OrdinalIgnoreCase);
        var list = await (await client.GetAsync($"/api/v1/environments/{world.Environment.Id}/applications")).JsonAsync();
        Assert.DoesNotContain("hostile", list.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(1441)]
    [InlineData(-1)]
    public async Task A_digest_check_interval_out_of_range_is_400(int minutes)
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Interval");
        var client = await ClientAsync();

        var refused = await client.SendAsync(HttpMethod.Post, $"/api/v1/environments/{world.Environment.Id}/applications", ImageApp("interval", "app:1", minutes));

        var problem = await refused.AssertProblemAsync(400);
        Assert.Contains("digestCheckMinutes", problem.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_registry_credential_is_write_only_and_its_password_is_encrypted_at_rest()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Credential");
        var client = await ClientAsync();
        var created = await (await client.SendAsync(HttpMethod.Post, $"/api/v1/environments/{world.Environment.Id}/applications",
            ImageApp("private image", "registry.example.com:5000/team/app:2"))).JsonAsync();
        var path = $"/api/v1/applications/{created.GetProperty("id").GetGuid()}/registry-credential";

        var none = await client.GetAsync(path);
        var set = await client.SendAsync(HttpMethod.Put, path, new { username = "deployer", password = Password });
        var shown = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NoContent, none.StatusCode);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var body = await shown.JsonAsync();
        Assert.Equal(("registry.example.com:5000", "deployer"), (body.GetProperty("registry").GetString(), body.GetProperty("username").GetString()));
        Assert.DoesNotContain(Password, body.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, await (await client.SendAsync(HttpMethod.Put, path, new { username = "deployer", password = Password })).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var conn = await _app.Get<NpgsqlDataSource>().OpenConnectionAsync();
        var stored = await conn.QuerySingleAsync<byte[]>("SELECT secret_ciphertext FROM registry_credentials WHERE id = @id", new { id = created.GetProperty("id").GetGuid() });
        Assert.DoesNotContain(Password, Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Delete, path)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task A_forced_deploy_of_a_git_application_is_400()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Force git");
        var client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Deploy | ApiScope.Read));

        var refused = await client.SendAsync(HttpMethod.Post, $"/api/v1/applications/{world.Application.Id}/deployments", new { force = true });

        await refused.AssertProblemAsync(400);
    }

    private static Dictionary<string, object?> ImageApp(string name, string image, int? digestCheckMinutes = null) => new()
    {
        ["name"] = name,
        ["source"] = "image",
        ["image"] = image,
        ["containerPort"] = 8080,
        ["digestCheckMinutes"] = digestCheckMinutes,
    };

    private async Task<HttpClient> ClientAsync() => _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read | ApiScope.Write));
}
