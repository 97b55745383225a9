using System.Net;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Identity.GitHub;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Api;

/// <summary>
/// GitHub sign-in administration over /api/v1 with GitHub sign-in on: invitations made (link shown once), listed,
/// revoked; the settings changed with a write-only client secret.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiInvitationTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GoForgeApp _app = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await GoForgeApp.StartAsync(postgres, "apiinvite", settings: new Dictionary<string, string?>
        {
            ["GoForge:GitHub:Enabled"] = "true",
            ["GoForge:GitHub:ClientId"] = "Iv1.apitests",
            ["GoForge:GitHub:ClientSecret"] = "api-tests-client-secret",
            ["GoForge:GitHub:BaseUrl"] = "https://github.example.com/",
            ["GoForge:GitHub:ApiUrl"] = "https://api.github.example.com/",
        }, services: GoForgeApp.WithoutDeploymentWorker);
        _admin = _app.TokenClient(await _app.CreateTokenAsync(await _app.CreateUserAsync(UserRole.Admin), ApiScope.Admin));
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task An_invitation_is_made_with_its_link_once_listed_without_it_and_revoked()
    {
        var created = await _admin.SendAsync(HttpMethod.Post, "/api/v1/invitations", new { note = "for the new hire", role = "member", validForHours = 48 });
        var body = await created.JsonAsync();
        var path = body.GetProperty("path").GetString()!;
        var id = body.GetProperty("invitation").GetProperty("id").GetString();
        var listed = await (await _admin.GetAsync("/api/v1/invitations")).Content.ReadAsStringAsync();
        var preview = await _app.Get<InvitationService>().PreviewAsync(Uri.UnescapeDataString(path["/invite/".Length..]));
        var revoked = await _admin.SendAsync(HttpMethod.Delete, $"/api/v1/invitations/{id}");
        var again = await _admin.SendAsync(HttpMethod.Delete, $"/api/v1/invitations/{id}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith("/invite/", path, StringComparison.Ordinal);
        Assert.True(preview.IsSuccess, preview.Error?.Message);
        Assert.Contains("for the new hire", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(path["/invite/".Length..], listed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        await again.AssertProblemAsync(409);
    }

    [Theory]
    [InlineData("{\"role\":\"root; rm -rf /\"}", "role")]
    [InlineData("{\"role\":\"--admin\"}", "role")]
    [InlineData("{\"validForHours\":100000}", "validForHours")]
    [InlineData("{\"note\":\"line one\\nline two\"}", "note")]
    public async Task Hostile_invitation_input_is_400_naming_the_field(string json, string field)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        var problem = await (await _admin.PostAsync("/api/v1/invitations", content)).AssertProblemAsync(400);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task The_client_secret_goes_in_and_never_comes_out_and_a_hostile_address_is_400_naming_it()
    {
        const string Secret = "a-new-client-secret-never-answered";
        var saved = await _admin.SendAsync(HttpMethod.Put, "/api/v1/settings/github", new
        {
            enabled = true, clientId = "Iv1.changed", clientSecret = Secret, baseUrl = "https://github.example.com", apiUrl = "https://api.github.example.com", allowSignUp = true,
        });
        var read = await _admin.GetAsync("/api/v1/settings/github");
        var hostile = await (await _admin.SendAsync(HttpMethod.Put, "/api/v1/settings/github", new
        {
            enabled = true, clientId = "Iv1.changed", baseUrl = "file:///etc/passwd", apiUrl = "--upload-file", allowSignUp = false,
        })).AssertProblemAsync(400);
        var reset = await (await _admin.SendAsync(HttpMethod.Delete, "/api/v1/settings/github")).JsonAsync();

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var body = await read.JsonAsync();
        Assert.Equal("Iv1.changed", body.GetProperty("clientId").GetString());
        Assert.True(body.GetProperty("hasClientSecret").GetBoolean());
        Assert.DoesNotContain(Secret, await saved.Content.ReadAsStringAsync() + body, StringComparison.Ordinal);
        Assert.True(hostile.GetProperty("errors").TryGetProperty("baseUrl", out _), hostile.ToString());
        Assert.True(hostile.GetProperty("errors").TryGetProperty("apiUrl", out _), hostile.ToString());
        Assert.Equal("Iv1.apitests", reset.GetProperty("clientId").GetString());
    }
}
