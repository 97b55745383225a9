using GoForge.Core.GitProviders;

namespace GoForge.Tests.Support;

/// <summary>Repository credentials in memory, for component tests whose pages show the repository access card.</summary>
internal sealed class InMemoryGitCredentialRepository : IGitCredentialRepository
{
    private readonly Lock _gate = new();
    private readonly List<GitCredential> _credentials = [];

    public Task<GitCredential?> GetAsync(Guid projectId, Guid? applicationId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_credentials.FirstOrDefault(c => c.ProjectId == projectId && c.ApplicationId == applicationId));
        }
    }

    public Task SaveAsync(GitCredential credential, CancellationToken ct = default)
    {
        lock (_gate)
        {
            _credentials.RemoveAll(c => c.ProjectId == credential.ProjectId && c.ApplicationId == credential.ApplicationId);
            _credentials.Add(credential);
        }

        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(Guid projectId, Guid? applicationId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_credentials.RemoveAll(c => c.ProjectId == projectId && c.ApplicationId == applicationId) > 0);
        }
    }

    public Task<bool> PinHostKeyAsync(Guid credentialId, string fingerprint, CancellationToken ct = default) =>
        Task.FromResult(Replace(credentialId, c => c.KnownHostKey is null ? c with { KnownHostKey = fingerprint } : null));

    public Task<bool> ForgetHostKeyAsync(Guid credentialId, CancellationToken ct = default) =>
        Task.FromResult(Replace(credentialId, c => c with { KnownHostKey = null }));

    private bool Replace(Guid credentialId, Func<GitCredential, GitCredential?> change)
    {
        lock (_gate)
        {
            var index = _credentials.FindIndex(c => c.Id == credentialId);
            if (index < 0 || change(_credentials[index]) is not { } changed)
            {
                return false;
            }

            _credentials[index] = changed;
            return true;
        }
    }
}
