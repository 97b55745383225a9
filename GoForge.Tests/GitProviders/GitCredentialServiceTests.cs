using System.Text;
using Dapper;
using GoForge.Core.Common;
using GoForge.Core.GitProviders;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Secrets;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Npgsql;
using static GoForge.Core.Deployments.GitCredentials;

namespace GoForge.Tests.GitProviders;

[Collection(PostgresCollection.Name)]
public sealed class GitCredentialServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Token = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
    private TestHost _host = null!;
    private Actor _maintainer = null!;
    private Project _project = null!;
    private Application _app = null!;

    private GitCredentialService Credentials => _host.Get<GitCredentialService>();

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "gitcreds");
        _maintainer = Actor.From(await TestUsers.CreateAsync(_host));
        var (project, production) = await _host.Services.CreateProjectAsync(_maintainer, "Creds " + Guid.NewGuid().ToString("N")[..6]);
        _project = project;
        _app = await _host.Services.CreateApplicationAsync(_maintainer, production.Id, "api");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Token_is_stored_encrypted_and_never_shown_again()
    {
        var saved = await Credentials.SetTokenAsync(_maintainer, GitCredentialScope.Application(_app.Id), new GitTokenInput("git", Token));

        Assert.True(saved.IsSuccess, saved.Error?.Message);
        var view = (await Credentials.GetAsync(_maintainer, GitCredentialScope.Application(_app.Id))).Value!;
        Assert.Equal((GitCredentialKind.Token, "git", false), (view.Kind, view.Username, view.Inherited));
        Assert.DoesNotContain(Token, view.ToString(), StringComparison.Ordinal);
        await AssertNotInDatabaseAsync(Token);
    }

    [Fact]
    public async Task Application_without_its_own_credential_inherits_the_projects_and_its_own_wins()
    {
        await Credentials.SetTokenAsync(_maintainer, GitCredentialScope.Project(_project.Id), new GitTokenInput("project-bot", "project-token"));

        var inherited = (await Credentials.GetAsync(_maintainer, GitCredentialScope.Application(_app.Id))).Value!;
        var (_, forClone, note) = await Credentials.ResolveAsync(_app, CancellationToken.None);

        Assert.True(inherited.Inherited);
        Assert.Equal(new UsernamePassword("project-bot", "project-token"), forClone);
        Assert.Equal("Using the project's HTTPS token", note);

        await Credentials.SetTokenAsync(_maintainer, GitCredentialScope.Application(_app.Id), new GitTokenInput("app-bot", "app-token"));
        var (_, own, ownNote) = await Credentials.ResolveAsync(_app, CancellationToken.None);

        Assert.Equal(new UsernamePassword("app-bot", "app-token"), own);
        Assert.Equal("Using the application's HTTPS token", ownNote);
    }

    [Fact]
    public async Task Deploy_key_is_generated_encrypted_and_used_only_for_ssh_urls()
    {
        var generated = (await Credentials.GenerateDeployKeyAsync(_maintainer, GitCredentialScope.Application(_app.Id))).Value!;

        Assert.StartsWith("ssh-ed25519 AAAA", generated.PublicKey, StringComparison.Ordinal);
        Assert.StartsWith("SHA256:", generated.Fingerprint, StringComparison.Ordinal);
        var (stored, httpsClone, httpsNote) = await Credentials.ResolveAsync(_app, CancellationToken.None);
        Assert.Null(httpsClone);
        Assert.Equal("Not using the application's deploy key: the repository URL is not an SSH URL", httpsNote);

        var sshApp = _app with { GitUrl = "git@git.example.com:acme/shop.git" };
        var (credential, sshClone, _) = await Credentials.ResolveAsync(sshApp, CancellationToken.None);
        var key = Assert.IsType<SshKey>(sshClone);
        Assert.StartsWith("-----BEGIN OPENSSH PRIVATE KEY-----", key.PrivateKey, StringComparison.Ordinal);
        Assert.Null(key.KnownHostKey);
        Assert.DoesNotContain("PRIVATE", credential!.ToString(), StringComparison.Ordinal);
        await AssertNotInDatabaseAsync(key.PrivateKey.Split('\n')[1]);
        Assert.Null(stored); // not used for an https URL
    }

    [Fact]
    public async Task Host_key_is_pinned_once_and_can_be_forgotten()
    {
        await Credentials.GenerateDeployKeyAsync(_maintainer, GitCredentialScope.Project(_project.Id));
        var sshApp = _app with { GitUrl = "ssh://git@git.example.com/acme/shop.git" };
        var (credential, _, _) = await Credentials.ResolveAsync(sshApp, CancellationToken.None);

        Assert.True(await Credentials.PinHostKeyAsync(credential!, "SHA256:first", CancellationToken.None));
        Assert.False(await _host.Get<IGitCredentialRepository>().PinHostKeyAsync(credential!.Id, "SHA256:attacker"));
        var (_, pinned, _) = await Credentials.ResolveAsync(sshApp, CancellationToken.None);
        Assert.Equal("SHA256:first", Assert.IsType<SshKey>(pinned).KnownHostKey);

        Assert.True((await Credentials.ForgetHostKeyAsync(_maintainer, GitCredentialScope.Project(_project.Id))).IsSuccess);
        var (_, forgotten, _) = await Credentials.ResolveAsync(sshApp, CancellationToken.None);
        Assert.Null(Assert.IsType<SshKey>(forgotten).KnownHostKey);
    }

    [Theory]
    [InlineData("git", "tok en")]
    [InlineData("git", "token\nX-Injected: 1")]
    [InlineData("git", "")]
    [InlineData("git", "   ")]
    [InlineData("user:pass", "token")]
    [InlineData("me@host", "token")]
    [InlineData("", "token")]
    [InlineData("-u", "token\u0000")]
    public async Task Hostile_or_empty_token_input_is_refused_and_nothing_is_stored(string username, string token)
    {
        var result = await Credentials.SetTokenAsync(_maintainer, GitCredentialScope.Application(_app.Id), new GitTokenInput(username, token));

        Assert.Equal(ErrorKind.Validation, result.Error?.Kind);
        Assert.Null((await Credentials.GetAsync(_maintainer, GitCredentialScope.Application(_app.Id))).Value);
    }

    [Fact]
    public async Task Token_longer_than_the_limit_is_refused()
    {
        var result = await Credentials.SetTokenAsync(_maintainer, GitCredentialScope.Application(_app.Id), new GitTokenInput("git", new string('a', GitCredentialRules.TokenMaxLength + 1)));

        Assert.Equal(ErrorKind.Validation, result.Error?.Kind);
    }

    [Fact]
    public async Task Removing_returns_to_no_credentials_and_deleting_the_application_removes_its_own()
    {
        await Credentials.SetTokenAsync(_maintainer, GitCredentialScope.Application(_app.Id), new GitTokenInput("git", Token));
        Assert.True((await Credentials.RemoveAsync(_maintainer, GitCredentialScope.Application(_app.Id))).IsSuccess);
        Assert.Equal(ErrorKind.NotFound, (await Credentials.RemoveAsync(_maintainer, GitCredentialScope.Application(_app.Id))).Error?.Kind);

        await Credentials.SetTokenAsync(_maintainer, GitCredentialScope.Application(_app.Id), new GitTokenInput("git", Token));
        Assert.True((await _host.Get<ApplicationService>().DeleteAsync(_maintainer, _app.Id)).IsSuccess);

        Assert.Null(await _host.Get<IGitCredentialRepository>().GetAsync(_project.Id, _app.Id));
    }

    [Fact]
    public async Task Key_rotation_re_encrypts_tokens_deploy_keys_and_webhook_secrets()
    {
        await Credentials.SetTokenAsync(_maintainer, GitCredentialScope.Project(_project.Id), new GitTokenInput("git", Token));
        await Credentials.GenerateDeployKeyAsync(_maintainer, GitCredentialScope.Application(_app.Id));
        var secret = (await _host.Get<WebhookService>().RegenerateSecretAsync(_maintainer, _app.Id)).Value!;
        var key = (await _host.Get<IGitCredentialRepository>().GetAsync(_project.Id, _app.Id))!.Secret;

        var report = await _host.Get<ISecretKeyRotator>().RotateAsync();

        Assert.Equal(3, report.ValuesReencrypted);
        Assert.Equal(Token, (await _host.Get<IGitCredentialRepository>().GetAsync(_project.Id, null))!.Secret);
        Assert.Equal(key, (await _host.Get<IGitCredentialRepository>().GetAsync(_project.Id, _app.Id))!.Secret);
        Assert.Equal(secret, await _host.Get<IWebhookRepository>().GetSecretAsync(_app.Id));
        await using var conn = new NpgsqlConnection(_host.ConnectionString);
        Assert.Equal([report.NewKeyId], await conn.QueryAsync<string>("SELECT secret_key_id FROM git_credentials UNION SELECT secret_key_id FROM webhook_secrets"));
    }

    /// <summary>No column of any row holds <paramref name="plaintext"/>, as text or as bytes.</summary>
    private async Task AssertNotInDatabaseAsync(string plaintext)
    {
        await using var conn = new NpgsqlConnection(_host.ConnectionString);
        var dump = string.Join("\n", await conn.QueryAsync<string>(
            "SELECT row_to_json(c)::text FROM git_credentials c UNION ALL SELECT row_to_json(w)::text FROM webhook_secrets w"));
        Assert.DoesNotContain(plaintext, dump, StringComparison.Ordinal);
        var bytes = await conn.QueryAsync<byte[]>("SELECT secret_ciphertext FROM git_credentials");
        var needle = Encoding.UTF8.GetBytes(plaintext);
        Assert.All(bytes, b => Assert.Equal(-1, b.AsSpan().IndexOf(needle)));
    }
}
