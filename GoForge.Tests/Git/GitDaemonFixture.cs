namespace GoForge.Tests.Git;

/// <summary>A git:// server (<see cref="GitDaemon"/>) on a free local port, serving the bare repositories of a <see cref="GitRepositoryFixture"/>.</summary>
public sealed class GitDaemonFixture : IAsyncLifetime
{
    private GitDaemon? _daemon;

    public GitRepositoryFixture Repositories { get; } = new();

    public int Port => _daemon?.Port ?? throw new InvalidOperationException("The git daemon is not started.");

    public string UrlOf(string bareRepository) => _daemon!.UrlOf(bareRepository);

    public async Task InitializeAsync() => _daemon = await GitDaemon.StartAsync(Repositories.Root);

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }

        Repositories.Dispose();
    }
}
