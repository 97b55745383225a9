using GoForge.Core.Projects;
using System.Net;
using System.Net.Sockets;
using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;
using GoForge.Infrastructure.Git;
using GoForge.Tests.Support;

namespace GoForge.Tests.Git;

/// <summary>
/// The Git client refuses, at connect time, repositories on the panel's own disk or network unless the request allows
/// them (an administrator's "Allow local and private repositories"): real git http-backend, git daemon and TCP
/// listeners on 127.0.0.1, which must see no connection at all when refused.
/// </summary>
public sealed class RepositoryNetworkCloneTests(SmartHttpFixture http, GitDaemonFixture daemon) : IClassFixture<SmartHttpFixture>, IClassFixture<GitDaemonFixture>
{
    private static readonly TimeSpan CloneTimeout = TimeSpan.FromSeconds(60);

    private readonly IGitClient _default = TestGitClients.AsPanelDefault(o => o.TrustedCertificatesFile = http.CertificatePath);
    private readonly IGitClient _allowing = TestGitClients.AllowingLocal(o => o.TrustedCertificatesFile = http.CertificatePath);

    private GitRepositoryFixture Repos => http.Repositories;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_local_path_or_file_url_is_refused_without_the_setting_and_cloned_with_it(bool fileUrl)
    {
        var url = fileUrl ? new Uri(Repos.BareRepository).AbsoluteUri : Repos.BareRepository;
        var target = Repos.NewTarget();

        var ex = await Assert.ThrowsAsync<GitCloneException>(() => CloneAsync(_default, new GitCloneRequest(url, "main", null, target, null)));
        var commit = await CloneAsync(_allowing, new GitCloneRequest(url, "main", null, Repos.NewTarget(), null));

        Assert.Contains("is a local path on the panel's own disk", ex.Message, StringComparison.Ordinal);
        Assert.Contains(RepositoryNetworkRules.SettingHint, ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
        Assert.Equal(Repos.MainHeadSha, commit.Sha);
    }

    [Theory]
    [InlineData("http", "127.0.0.1")]
    [InlineData("https", "127.0.0.1")]
    [InlineData("git", "127.0.0.1")]
    [InlineData("ssh", "127.0.0.1")]
    [InlineData("http", "localhost")]
    [InlineData("https", "localhost")]
    [InlineData("git", "localhost")]
    [InlineData("ssh", "localhost")]
    [InlineData("https", "[::ffff:127.0.0.1]")]
    public async Task Without_the_setting_no_transport_opens_a_connection_to_a_loopback_host(string scheme, string host)
    {
        using var listener = new ConnectionCounter();
        var url = $"{scheme}://{(scheme == "ssh" ? "git@" : "")}{host}:{listener.Port}/app.git";
        GitCredentials? credentials = scheme == "ssh" ? new GitCredentials.SshKey("git", new Ed25519DeployKeyGenerator().Generate("t").PrivateKey, null) : null;

        var ex = await Assert.ThrowsAsync<GitCloneException>(() => CloneAsync(_default, new GitCloneRequest(url, "main", null, Repos.NewTarget(), credentials)));

        Assert.Contains("a loopback address, inside the panel's own host or network", ex.Message, StringComparison.Ordinal);
        Assert.Contains(RepositoryNetworkRules.SettingHint, ex.Message, StringComparison.Ordinal);
        if (host == "localhost")
        {
            // A name is checked by the address it resolves to, when the clone connects.
            Assert.Contains("localhost resolves to", ex.Message, StringComparison.Ordinal);
        }

        await Task.Delay(200);
        Assert.Equal(0, listener.Accepted);
    }

    [Fact]
    public async Task Smart_http_on_127_0_0_1_sees_no_request_without_the_setting_and_clones_with_it()
    {
        var url = http.UrlOf(Repos.BareRepository);
        var before = http.Requests.Count;

        var ex = await Assert.ThrowsAsync<GitCloneException>(() => CloneAsync(_default, new GitCloneRequest(url, "main", null, Repos.NewTarget(), http.Credentials)));
        var seenWhileRefused = http.Requests.Count - before;
        var commit = await CloneAsync(_allowing, new GitCloneRequest(url, "main", null, Repos.NewTarget(), http.Credentials));

        Assert.Contains("127.0.0.1 is a loopback address", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, seenWhileRefused);
        Assert.Equal(Repos.MainHeadSha, commit.Sha);
    }

    [Fact]
    public async Task Git_daemon_on_127_0_0_1_is_refused_without_the_setting_and_cloned_with_it()
    {
        var url = daemon.UrlOf(daemon.Repositories.BareRepository);

        var ex = await Assert.ThrowsAsync<GitCloneException>(() => CloneAsync(_default, new GitCloneRequest(url, "main", null, daemon.Repositories.NewTarget(), null)));
        var commit = await CloneAsync(_allowing, new GitCloneRequest(url, "main", null, daemon.Repositories.NewTarget(), null));

        Assert.Contains("127.0.0.1 is a loopback address", ex.Message, StringComparison.Ordinal);
        Assert.Equal(daemon.Repositories.MainHeadSha, commit.Sha);
    }

    [Fact]
    public async Task A_token_is_never_sent_over_plain_http_even_with_the_setting()
    {
        var before = http.Requests.Count;

        var ex = await Assert.ThrowsAsync<GitCloneException>(() =>
            CloneAsync(_allowing, new GitCloneRequest(http.HttpUrlOf(Repos.BareRepository), "main", null, Repos.NewTarget(), http.Credentials)));

        Assert.Contains("is plain http://: GoForge never sends an access token unencrypted", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(http.Token, ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, http.Requests.Count);
    }

    [Fact]
    public async Task Over_https_the_token_is_sent_only_after_the_servers_challenge_and_only_to_the_clones_host()
    {
        var before = http.Requests.Count;

        await CloneAsync(_allowing, new GitCloneRequest(http.UrlOf(Repos.BareRepository), "main", null, Repos.NewTarget(), http.Credentials));

        var seen = http.Requests.Skip(before).ToList();
        Assert.False(seen[0].HadAuthorization);
        Assert.All(seen.Skip(1), r => Assert.True(r.HadAuthorization));
        Assert.All(seen, r => Assert.Equal(("https", "127.0.0.1"), (r.Scheme, r.Host)));
    }

    private static Task<ClonedCommit> CloneAsync(IGitClient git, GitCloneRequest request) =>
        git.CloneAsync(request, null, CancellationToken.None).WaitAsync(CloneTimeout);

    /// <summary>A TCP listener on 127.0.0.1 that only counts the connections it accepts: any server a clone might reach.</summary>
    private sealed class ConnectionCounter : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _accepted;

        public ConnectionCounter()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Accepted => Volatile.Read(ref _accepted);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    Interlocked.Increment(ref _accepted);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
