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
public sealed record GitTokenInput(string? Username, string? Token);

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
    TimeProvider time) : IRepositoryCredentials
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
        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        var credential = New(owner.Value, GitCredentialKind.Token, input.Username!.Trim(), input.Token!.Trim(), null, null);
        await credentials.SaveAsync(credential, ct);
        await AuditAsync(actor, scope, AuditActions.GitCredentialSet, "token", ct);
        return GitCredentialView.From(credential, inherited: false);
    }

    /// <summary>Generates a new ed25519 deploy key (replacing what the scope had) and returns its public key to add to the Git host.</summary>
    public async Task<Result<GitCredentialView>> GenerateDeployKeyAsync(Actor actor, GitCredentialScope scope, CancellationToken ct = default)
    {
        var owner = await OwnerAsync(actor, scope, ProjectAction.Manage, ct);
        if (!owner.IsSuccess)
        {
            return owner.Error;
        }

        var pair = keys.Generate($"goforge-{(scope.IsProject ? "project" : "app")}-{scope.Id:N}");
        var credential = New(owner.Value, GitCredentialKind.SshKey, "git", pair.PrivateKey, pair.PublicKey, pair.Fingerprint);
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
        return new RepositoryAccess(credential?.Id, credential?.Secret, forClone, note, credential?.KnownHostKey is not null);
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
        var target = scope.IsProject ? $"project:{scope.Id}" : $"application:{(await applicationRepository.GetAsync(scope.Id, ct))?.Slug ?? scope.Id.ToString()}";
        await audit.RecordAsync(time, actor, action, target, detail, ct);
    }
}
