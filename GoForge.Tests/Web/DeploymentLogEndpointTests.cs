using System.Net;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace GoForge.Tests.Web;

[Collection(PostgresCollection.Name)]
public sealed class DeploymentLogEndpointTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Secret = "hunter2-in-the-log";
    private GoForgeApp _app = null!;

    public async Task InitializeAsync() => _app = await GoForgeApp.StartAsync(postgres, "logdownload", services: GoForgeApp.WithoutDeploymentWorker);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Log_download_gives_a_member_the_masked_lines_and_an_outsider_not_found()
    {
        var member = await _app.CreateUserAsync();
        var outsider = await _app.CreateUserAsync();
        var (_, production) = await _app.Services.CreateProjectAsync(Actor.From(member), "Shop");
        var application = await _app.Services.CreateApplicationAsync(Actor.From(member), production.Id, "api");
        var deployment = (await _app.Get<DeploymentService>().EnqueueAsync(Actor.From(member), application.Id)).Value!;
        var masker = new SecretMasker([Secret]);
        await _app.Get<IDeploymentRepository>().AppendLogAsync(deployment.Id, [masker.Apply($"TOKEN={Secret}"), "Step 1/3 : FROM busybox"], DateTimeOffset.UtcNow);
        var path = $"/deployments/{deployment.Id}/log.txt";

        var refused = await (await SignedInClientAsync(outsider)).GetAsync(path);
        var notThere = await (await SignedInClientAsync(member)).GetAsync($"/deployments/{Guid.NewGuid()}/log.txt");
        var response = await (await SignedInClientAsync(member)).GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.DoesNotContain("TOKEN", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, notThere.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"deployment-{deployment.Id}.log", response.Content.Headers.ContentDisposition?.FileName);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.EndsWith(" TOKEN=****", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(" Step 1/3 : FROM busybox", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, string.Concat(lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_download_needs_a_signed_in_user()
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync($"/deployments/{Guid.NewGuid()}/log.txt");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
    }

    private async Task<HttpClient> SignedInClientAsync(User user)
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var signedIn = await FormClient.SignInAsync(client, user.Login, TestUsers.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return client;
    }
}
