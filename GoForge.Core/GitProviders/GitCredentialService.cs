using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;

namespace GoForge.Core.GitProviders;

/// <summary>Whose credential: one application's own, or a project's for all its applications.</summary>
public readonly record struct GitCredentialScope(Guid Id, bool IsProject)
{
    public static GitCredentialScope Application(Guid applicationId) => new(applicationId, false);

    public static GitCredentialScope Project(Guid projectId) => new(projectId, true);
}

/// <summary>What a token form sends.</summary>
/// <param name="Host">
/// The Git host the token is for: only a repository on that host is sent the token. Blank takes the application's
/// repository host, or for a project the one host all its applications use.
/// </param>
public sealed record GitTokenInput(string? Username, string? Token, string? Host = null);

/// <summary>
/// Repository credentials as people manage them: everyone in the project sees which kind is set (never the secret);
/// maintainers set a token, generate a deploy key, forget a pinned host key or remove the credential.
/// </summary>
public sealed class GitCredentialService(
    IGitCredentialRepository credentials,
    IApplicationRepository applicationRepository,
    ApplicationService applications,
    ProjectAccess access,
    IDeployKeyGenerator keys,
    IAuditLog audit,
    TimeProvider time,
    RepositoryNetworkSettings repositoryNetwork) : IRepositoryCredentials
{
    private const string What = "project";

    /// <summary>The scope's own credential, or (for an application without one) its project's, marked inherited; null when neither has one.</summary>
    public async Task<Result<GitCredentialView?>> GetAsync(Actor actor, GitCredentialScope scope, CancellationToken ct = default)
    {
        var owner = await OwnerAsync(actor, scope, ProjectAction.View, ct);
        if (!owner.IsSuccess)
        {
            return owner.Error;
        }

        var (projectId, applicationId) = owner.Value;
        var own = await credentials.GetAsync(projectId, applicationId, ct);
        if (own is not null || applicationId is null)
        {
            return own is null ? Result<GitCredentialView?>.Ok(null) : GitCredentialView.From(own, inherited: false);
        }

        var inherited = await credentials.GetAsync(projectId, null, ct);
        return inherited is null ? Result<GitCredentialView?>.Ok(null) : GitCredentialView.From(inherited, inherited: true);
    }

    /// <summary>Stores an HTTPS token (replacing a token or key of the same scope).</summary>
    public async Task<Result<GitCredentialView>> SetTokenAsync(Actor actor, GitCredentialScope scope, GitTokenInput input, CancellationToken ct = default)
    {
        var owner = await OwnerAsync(actor, scope, ProjectAction.Manage, ct);
        if (!owner.IsSuccess)
        {
            return owner.Error;
        }

        var errors = new FieldErrors();
        GitCredentialRules.ValidateUsername(input.Username, errors);
        GitCredentialRules.ValidateToken(input.Token, errors);
        var host = await HostAsync(owner.Value, input.Host, GitCredentialKind.Token, errors, ct);
        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        var credential = New(owner.Value, GitCredentialKind.Token, input.Username!.Trim(), input.Token!.Trim(), null, null) with { Host = host };
        await credentials.SaveAsync(credential, ct);
        await AuditAsync(actor, scope, AuditActions.GitCredentialSet, "token", ct);
        return GitCredentialView.From(credential, inherited: false);
    }

    /// <summary>Generates a new ed25519 deploy key (replacing what the scope had) and returns its public key to add to the Git host.</summary>
    public Task<Result<GitCredentialView>> GenerateDeployKeyAsync(Actor actor, GitCredentialScope scope, CancellationToken ct = default) =>
        GenerateDeployKeyAsync(actor, scope, null, ct);

    /// <param name="host">The Git host the key is for; null takes it from the repository URLs as for a token.</param>
    public async Task<Result<GitCredentialView>> GenerateDeployKeyAsync(Actor actor, GitCredentialScope scope, string? host, CancellationToken ct = default)
    {
        var owner = await OwnerAsync(actor, scope, ProjectAction.Manage, ct);
        if (!owner.IsSuccess)
        {
            return owner.Error;
        }

        var errors = new FieldErrors();
        var boundHost = await HostAsync(owner.Value, host, GitCredentialKind.SshKey, errors, ct);
        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        var pair = keys.Generate($"goforge-{(scope.IsProject ? "project" : "app")}-{scope.Id:N}");
        var credential = New(owner.Value, GitCredentialKind.SshKey, "git", pair.PrivateKey, pair.PublicKey, pair.Fingerprint) with { Host = boundHost };
        await credentials.SaveAsync(credential, ct);
        await AuditAsync(actor, scope, AuditActions.GitCredentialSet, $"deploy key {pair.Fingerprint}", ct);
        return GitCredentialView.From(credential, inherited: false);
    }

    /// <summary>Forgets the SSH server's pinned host key (after the host really changed it); the next clone pins the new one.</summary>
    public async Task<Result> ForgetHostKeyAsync(Actor actor, GitCredentialScope scope, CancellationToken ct = default)
    {
        var owner = await OwnerAsync(actor, scope, ProjectAction.Manage, ct);
        if (!owner.IsSuccess)
        {
            return owner.Error;
        }

        var credential = await credentials.GetAsync(owner.Value.ProjectId, owner.Value.ApplicationId, ct);
        if (credential?.KnownHostKey is null)
        {
            return Error.NotFound("No host key is pinned.");
        }

        await credentials.ForgetHostKeyAsync(credential.Id, ct);
        await AuditAsync(actor, scope, AuditActions.GitHostKeyForgotten, credential.KnownHostKey, ct);
        return Result.Success;
    }

    public async Task<Result> RemoveAsync(Actor actor, GitCredentialScope scope, CancellationToken ct = default)
    {
        var owner = await OwnerAsync(actor, scope, ProjectAction.Manage, ct);
        if (!owner.IsSuccess)
        {
            return owner.Error;
        }

        if (!await credentials.DeleteAsync(owner.Value.ProjectId, owner.Value.ApplicationId, ct))
        {
            return Error.NotFound("There are no credentials to remove.");
        }

        await AuditAsync(actor, scope, AuditActions.GitCredentialRemoved, null, ct);
        return Result.Success;
    }

    /// <summary>
    /// The credential a clone of <paramref name="app"/> uses: its own, else its project's; only one that fits the URL's
    /// transport (a token for http(s), a key for ssh). <paramref name="note"/> says which, for the deployment log.
    /// </summary>
    internal async Task<(GitCredential? Credential, GitCredentials? ForClone, string? Note)> ResolveAsync(Application app, CancellationToken ct)
    {
        var own = await credentials.GetAsync(app.ProjectId, app.Id, ct);
        var credential = own ?? await credentials.GetAsync(app.ProjectId, null, ct);
        if (credential is null)
        {
            return (null, null, null);
        }

        var whose = own is null ? "the project's" : "the application's";
        var ssh = GitCredentialRules.IsSshUrl(app.GitUrl);
        var urlHost = RepositoryNetworkRules.Host(app.GitUrl);
        if (credential.Host is null || !string.Equals(credential.Host, urlHost, StringComparison.Ordinal))
        {
            // A credential goes only to the host it was saved for: a maintainer who changes the URL cannot have it sent elsewhere.
            var what = credential.Kind == GitCredentialKind.Token ? "HTTPS token" : "deploy key";
            return (null, null, credential.Host is null
                ? $"Not using {whose} {what}: it was saved before credentials were bound to a host; save it again"
                : $"Not using {whose} {what}: it was saved for {credential.Host}, and the repository is {(urlHost is null ? "a local path" : "on " + urlHost)}; save it again for this host");
        }

        return (credential.Kind, ssh) switch
        {
            (GitCredentialKind.Token, false) => (credential, new GitCredentials.UsernamePassword(credential.Username, credential.Secret), $"Using {whose} HTTPS token"),
            (GitCredentialKind.SshKey, true) => (credential, new GitCredentials.SshKey(credential.Username, credential.Secret, credential.KnownHostKey), $"Using {whose} deploy key {credential.Fingerprint}"),
            (GitCredentialKind.Token, true) => (null, null, $"Not using {whose} HTTPS token: the repository URL is an SSH URL"),
            _ => (null, null, $"Not using {whose} deploy key: the repository URL is not an SSH URL"),
        };
    }

    /// <summary>Pins the host key a first SSH clone saw (trust on first use).</summary>
    internal Task<bool> PinHostKeyAsync(GitCredential credential, string fingerprint, CancellationToken ct) =>
        credential.KnownHostKey is null ? credentials.PinHostKeyAsync(credential.Id, fingerprint, ct) : Task.FromResult(false);

    async Task<RepositoryAccess> IRepositoryCredentials.ResolveAsync(Application app, CancellationToken ct)
    {
        var (credential, forClone, note) = await ResolveAsync(app, ct);
        return new RepositoryAccess(credential?.Id, credential?.Secret, forClone, note, credential?.KnownHostKey is not null,
            await repositoryNetwork.AllowsLocalAndPrivateAsync(ct));
    }

    Task<bool> IRepositoryCredentials.PinHostKeyAsync(RepositoryAccess access, string fingerprint, CancellationToken ct) =>
        access.CredentialId is { } id && !access.HostKeyPinned ? credentials.PinHostKeyAsync(id, fingerprint, ct) : Task.FromResult(false);

    private async Task<Result<(Guid ProjectId, Guid? ApplicationId)>> OwnerAsync(Actor actor, GitCredentialScope scope, ProjectAction action, CancellationToken ct)
    {
        if (scope.IsProject)
        {
            var allowed = await access.CheckAsync(actor, scope.Id, action, What, ct);
            return allowed.IsSuccess ? (scope.Id, (Guid?)null) : allowed.Error;
        }

        var app = await applications.FindAsync(actor, scope.Id, action, ct);
        return app.IsSuccess ? (app.Value.ProjectId, (Guid?)app.Value.Id) : app.Error;
    }

    /// <summary>
    /// The host a credential is bound to: the one given, else the application's repository host, else the one host all
    /// the project's applications use. A token is refused for a plain http:// repository: it would travel unencrypted.
    /// </summary>
    private async Task<string?> HostAsync((Guid ProjectId, Guid? ApplicationId) owner, string? given, GitCredentialKind kind, FieldErrors errors, CancellationToken ct)
    {
        const string Field = nameof(GitTokenInput.Host);
        if (!string.IsNullOrWhiteSpace(given))
        {
            var host = GitCredentialRules.NormalizeHost(given);
            if (host is null)
            {
                errors.Add(Field, "Enter a host name such as github.com (no scheme, path or port).");
            }

            return host;
        }

        var urls = owner.ApplicationId is { } appId
            ? (await applicationRepository.GetAsync(appId, ct)) is { } app ? [app.GitUrl] : []
            : (await applicationRepository.ListByProjectsAsync([owner.ProjectId], ct)).Select(a => a.GitUrl).ToList();
        if (kind == GitCredentialKind.Token && owner.ApplicationId is not null && urls.Any(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add(Field, "The repository URL is plain http://: a token is never sent unencrypted. Change the URL to https:// first.");
            return null;
        }

        var hosts = urls.Select(RepositoryNetworkRules.Host).Where(h => h is not null).Distinct(StringComparer.Ordinal).ToList();
        if (hosts.Count != 1)
        {
            errors.Add(Field, hosts.Count == 0
                ? "Enter the Git host this credential is for (such as github.com): no application here names one."
                : $"The applications here use several Git hosts ({string.Join(", ", hosts)}): enter the one this credential is for.");
            return null;
        }

        return hosts[0];
    }

    private GitCredential New((Guid ProjectId, Guid? ApplicationId) owner, GitCredentialKind kind, string username, string secret, string? publicKey, string? fingerprint)
    {
        var now = time.GetUtcNow();
        return new GitCredential
        {
            Id = Guid.CreateVersion7(now),
            ProjectId = owner.ProjectId,
            ApplicationId = owner.ApplicationId,
            Kind = kind,
            Username = username,
            Secret = secret,
            PublicKey = publicKey,
            Fingerprint = fingerprint,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private async Task AuditAsync(Actor actor, GitCredentialScope scope, string action, string? detail, CancellationToken ct)
    {
        var app = scope.IsProject ? null : await applicationRepository.GetAsync(scope.Id, ct);
        var target = scope.IsProject ? $"project:{scope.Id}" : $"application:{app?.Slug ?? scope.Id.ToString()}";
        await audit.RecordAsync(time, actor, scope.IsProject ? scope.Id : app?.ProjectId, action, target, detail, ct);
    }
}
