namespace GoForge.Core.Deployments;

/// <summary>
/// The clone half of a Git deployment, shared by the single-container build and the compose deploy: resolve the
/// repository's access (its secret added to the log's masker), clone the exact commit into the work folder, pin a
/// first-seen SSH host key, and record the commit on the deployment. Throws <see cref="GitCloneException"/>.
/// </summary>
public sealed class RepositoryClone(IGitClient git, IRepositoryCredentials gitCredentials, IDeploymentRepository deployments)
{
    /// <param name="source">A pull request's head instead of the application's repository and branch; the application's
    /// credentials go with it only when <see cref="CloneSource.UseApplicationCredentials"/> (its own repository).</param>
    internal async Task<ClonedCommit> CloneAsync(Deployment deployment, Projects.Application app, IReadOnlyList<Projects.EnvironmentVariable> vars,
        string workDirectory, DeploymentLog log, CancellationToken ct, CloneSource? source = null)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(log);
        var url = source?.RepositoryUrl ?? app.GitUrl;
        var branch = source?.Branch ?? app.Branch;
        log.Write($"Cloning {(source is null ? "" : url + " ")}{branch}{(deployment.CommitSha is null ? "" : " at " + deployment.CommitSha)}");
        var access = await gitCredentials.ResolveAsync(app, ct);
        if (source is { UseApplicationCredentials: false })
        {
            // Another repository (a fork): the application's token or key never goes to it; the network rules still apply.
            access = access with { ForClone = null, Secret = null, CredentialId = null, Note = null };
        }

        if (access.Secret is { } secret)
        {
            // The token or private key is masked like any secret, should a tool ever echo it.
            log.Masker = new SecretMasker(vars.Where(v => v.IsSecret).Select(v => v.Value).Append(secret));
        }

        if (access.Note is { } note)
        {
            log.Write(note);
        }

        var commit = await git.CloneAsync(new GitCloneRequest(url, branch, deployment.CommitSha, workDirectory, access.ForClone) { AllowPrivateNetworks = access.AllowPrivateNetworks }, log.Progress(), ct);
        if (access.CredentialId is not null && commit.SshHostKey is { } hostKey && await gitCredentials.PinHostKeyAsync(access, hostKey, ct))
        {
            log.Write($"Pinned the SSH server's host key {hostKey}: a server showing another key will be refused");
        }

        await deployments.RecordCommitAsync(deployment.Id, commit, ct);
        DeploymentLogScope.Current?.RecordCommit(commit.Sha);
        log.Write($"Commit {commit.Sha[..12]} by {commit.Author}: {commit.Message.Split('\n')[0]}");
        return commit;
    }
}
