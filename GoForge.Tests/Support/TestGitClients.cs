using GoForge.Core.Deployments;
using GoForge.Infrastructure.Git;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Support;

/// <summary>
/// The panel's Git client for tests. Tests clone local bare repositories, <c>git daemon</c>, <c>git http-backend</c> and
/// sshd on 127.0.0.1, which the panel refuses unless an administrator allows local and private repositories:
/// <see cref="AllowingLocal"/> is that setting turned on, in one place. <see cref="AsPanelDefault"/> is the client as
/// the default leaves it (refusing them), for the tests that prove the refusal.
/// </summary>
public static class TestGitClients
{
    public static IGitClient AllowingLocal(Action<GitClientOptions>? configure = null) => new AllowingLocalClient(AsPanelDefault(configure));

    public static IGitClient AsPanelDefault(Action<GitClientOptions>? configure = null) =>
        new ServiceCollection().AddGitClient(configure).BuildServiceProvider().GetRequiredService<IGitClient>();

    /// <summary>Every request with <see cref="GitCloneRequest.AllowPrivateNetworks"/> on, as the deployment runner sets it when the setting is on.</summary>
    private sealed class AllowingLocalClient(IGitClient inner) : IGitClient
    {
        public Task<ClonedCommit> CloneAsync(GitCloneRequest request, IProgress<string>? log, CancellationToken ct) =>
            inner.CloneAsync(request with { AllowPrivateNetworks = true }, log, ct);

        public Task<string> ResolveBranchHeadAsync(GitCloneRequest request, CancellationToken ct) =>
            inner.ResolveBranchHeadAsync(request with { AllowPrivateNetworks = true }, ct);
    }
}
