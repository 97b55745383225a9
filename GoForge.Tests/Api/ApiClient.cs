using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Projects;
using GoForge.Core.Services;
using GoForge.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace GoForge.Tests.Api;

/// <summary>Tokens and requests for the /api/v1 tests, over a running <see cref="GoForgeApp"/>.</summary>
internal static class ApiClient
{
    public static async Task<string> CreateTokenAsync(this GoForgeApp app, User user, ApiScope scopes, Guid? projectId = null, DateTimeOffset? expiresAt = null)
    {
        var created = await app.Get<ApiTokenService>().CreateAsync(Actor.From(user), new ApiTokenInput { Name = "test", Scopes = scopes, ProjectId = projectId, ExpiresAt = expiresAt });
        Assert.True(created.IsSuccess, created.Error?.Message);
        return created.Value.Secret;
    }

    public static HttpClient TokenClient(this GoForgeApp app, string? token)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 answer with this status and returns its JSON.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, int status)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = await response.JsonAsync();
        Assert.Equal(status, json.GetProperty("status").GetInt32());
        return json;
    }
}

/// <summary>
/// One project with an environment, an application, two variables (one secret), a finished (canceled) deployment,
/// made through Core, a stopped PostgreSQL service (its row only: no container), and another account (a member of
/// nothing) for the user administration endpoints. The deployment is finished so that deleting the application is not
/// refused as in progress.
/// </summary>
internal sealed record ApiWorld(Project Project, ProjectEnvironment Environment, Application Application, Deployment Deployment, ServiceInstance Service, User Account)
{
    public const string PlainKey = "PLAIN";
    public const string SecretKey = "DATABASE_PASSWORD";
    public const string SecretValue = "s3cret-value-for-api-tests";

    public static async Task<ApiWorld> CreateAsync(GoForgeApp app, User owner, string name)
    {
        var actor = Actor.From(owner);
        var (project, production) = await app.Services.CreateProjectAsync(actor, name);
        var application = await app.Services.CreateApplicationAsync(actor, production.Id, "api-" + Guid.NewGuid().ToString("N")[..8]);
        var variables = app.Get<VariableService>();
        Assert.True((await variables.SetAsync(actor, application.Id, new VariableInput(PlainKey, "plain-value"))).IsSuccess);
        Assert.True((await variables.SetAsync(actor, application.Id, new VariableInput(SecretKey, SecretValue, IsSecret: true))).IsSuccess);
        var deployments = app.Get<DeploymentService>();
        var queued = await deployments.EnqueueAsync(actor, application.Id);
        Assert.True(queued.IsSuccess, queued.Error?.Message);
        var canceled = await deployments.CancelAsync(actor, queued.Value.Id);
        Assert.True(canceled.IsSuccess, canceled.Error?.Message);
        var account = await app.CreateUserAsync();
        return new ApiWorld(project, production, application, canceled.Value, await CreateStoppedServiceAsync(app, project, production), account)
        {
            OwnerTokenId = await AddParityPiecesAsync(app, actor, project, application, account),
            VolumeId = await AddVolumeAsync(app, actor, application),
            ComposeApplication = await app.Services.CreateComposeApplicationAsync(actor, production.Id, "stack-" + Guid.NewGuid().ToString("N")[..8]),
        };
    }

    /// <summary>A compose application beside <see cref="Application"/> (ProjectSeeding.CreateComposeApplicationAsync).</summary>
    public Application ComposeApplication { get; init; } = null!;

    /// <summary>A named volume of the application, <see cref="VolumeName"/> at <c>/data</c> (its row only: nothing deployed creates it).</summary>
    public Guid VolumeId { get; init; }

    public const string VolumeName = "data";

    private static async Task<Guid> AddVolumeAsync(GoForgeApp app, Actor actor, Application application)
    {
        var added = await app.Get<GoForge.Core.Volumes.AppVolumeService>().AddAsync(actor, application.Id, new GoForge.Core.Volumes.AppVolumeInput { Name = VolumeName, MountPath = "/data" });
        Assert.True(added.IsSuccess, added.Error?.Message);
        return added.Value.Id;
    }

    /// <summary>The owner's token (to list and revoke), a pinned deploy key on the application, a token on the project.</summary>
    public Guid OwnerTokenId { get; init; }

    /// <summary>
    /// What the parity endpoints reach: a deploy key with a pinned host key on the application, an HTTPS token on the
    /// project, a webhook secret, <paramref name="account"/> as a viewer, and a token of the owner (its id returned).
    /// </summary>
    private static async Task<Guid> AddParityPiecesAsync(GoForgeApp app, Actor actor, Project project, Application application, User account)
    {
        var credentials = app.Get<GitCredentialService>();
        Assert.True((await credentials.GenerateDeployKeyAsync(actor, GitCredentialScope.Application(application.Id))).IsSuccess);
        var repository = app.Get<IGitCredentialRepository>();
        var key = await repository.GetAsync(project.Id, application.Id);
        Assert.True(await repository.PinHostKeyAsync(key!.Id, "SHA256:" + new string('A', 43)));
        var token = await credentials.SetTokenAsync(actor, GitCredentialScope.Project(project.Id), new GitTokenInput("x-access-token", "ghp_" + Guid.NewGuid().ToString("N")));
        Assert.True(token.IsSuccess, token.Error?.Message);
        Assert.True((await app.Get<WebhookService>().RegenerateSecretAsync(actor, application.Id)).IsSuccess);
        Assert.True((await app.Get<MembershipService>().SetAsync(actor, project.Id, account.Login, ProjectRole.Viewer)).IsSuccess);
        var created = await app.Get<ApiTokenService>().CreateAsync(actor, new ApiTokenInput { Name = "world " + Guid.NewGuid().ToString("N")[..6], Scopes = ApiScope.Read });
        Assert.True(created.IsSuccess, created.Error?.Message);
        return created.Value.Token.Id;
    }

    /// <summary>A PostgreSQL service row with fresh generated inputs, as if created and then stopped.</summary>
    private static async Task<ServiceInstance> CreateStoppedServiceAsync(GoForgeApp app, Project project, ProjectEnvironment environment)
    {
        var preview = await app.Get<ServiceInstanceService>().PreviewAsync("postgresql");
        Assert.True(preview.IsSuccess, preview.Error?.Message);
        var now = DateTimeOffset.UtcNow;
        var instance = new ServiceInstance
        {
            Id = Guid.CreateVersion7(now),
            ProjectId = project.Id,
            EnvironmentId = environment.Id,
            TemplateId = "postgresql",
            Version = preview.Value!.Version,
            Name = "db",
            Slug = "db",
            State = ServiceState.Stopped,
            CreatedAt = now,
            UpdatedAt = now,
        };
        Assert.Equal(SaveOutcome.Saved, await app.Get<IServiceInstanceRepository>().TryCreateAsync(instance, preview.Value.Inputs, null));
        return instance;
    }
}
