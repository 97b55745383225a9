using System.Net;
using System.Net.Sockets;
using GoForge.Core.Containers;
using GoForge.Core.Projects;
using GoForge.Core.Services;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Actor = GoForge.Core.Identity.Actor;

namespace GoForge.Tests.Services;

/// <summary>
/// A pull from a registry that accepts connections and never answers, on the real engine: it ends Failed with the
/// reason when the pull time-out passes on the panel's clock, or when the caller cancels, and leaves no container.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ServicePullTimeoutTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly SilentRegistry _registry = new();
    private TestTemplateFolder _templates = null!;
    private TestHost _host = null!;
    private Actor _owner = null!;
    private Project _project = null!;
    private ProjectEnvironment _environment = null!;

    private ServiceInstanceService Services => _host.Get<ServiceInstanceService>();

    public async Task InitializeAsync()
    {
        _templates = await TestTemplateFolder.CreateAsync(docker);
        await _templates.AddVariantAsync("test-stalled", $"127.0.0.1:{_registry.Port}/goforge-test/stalled");
        _host = await TestHost.StartAsync(postgres, "pulltimeout", new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:Catalog:TemplateFolder"] = _templates.Path,
        }, services => services.AddSingleton<TimeProvider>(_time));
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
        (_project, _environment) = await _host.Services.CreateProjectAsync(_owner, $"Pull {Guid.NewGuid():N}"[..14]);
    }

    public async Task DisposeAsync()
    {
        await _host.Services.RemoveProjectServicesAsync(_project.Id);
        await _host.DisposeAsync();
        _registry.Dispose();
        _templates.Dispose();
    }

    [Fact]
    public async Task A_pull_that_outlasts_the_pull_time_out_ends_failed_saying_so_and_leaves_no_container()
    {
        var creating = CreateAsync("stalled", CancellationToken.None);
        await UntilPullingAsync("stalled");

        _time.Advance(ServiceInstanceService.PullTimeout + TimeSpan.FromSeconds(1));
        var ended = await creating.WaitAsync(Promptly);

        Assert.Equal(ServiceState.Failed, ended.State);
        Assert.Contains("took longer than 30 minutes", ended.Reason, StringComparison.Ordinal);
        Assert.Empty(await ContainersAsync());
    }

    [Fact]
    public async Task A_canceled_pull_ends_failed_as_canceled_before_the_time_out()
    {
        using var cancel = new CancellationTokenSource();
        var creating = CreateAsync("canceled", cancel.Token);
        await UntilPullingAsync("canceled");

        await cancel.CancelAsync();
        var ended = await creating.WaitAsync(Promptly);

        Assert.Equal(ServiceState.Failed, ended.State);
        Assert.StartsWith("canceled while pulling", ended.Reason, StringComparison.Ordinal);
        var stored = (await Services.GetAsync(_owner, ended.Id)).Value!;
        Assert.Equal((ServiceState.Failed, ended.Reason), (stored.State, stored.Reason));
        Assert.Empty(await ContainersAsync());
    }

    private async Task<ServiceInstance> CreateAsync(string name, CancellationToken ct)
    {
        var created = await Services.CreateAsync(_owner, _environment.Id, new ServiceInstanceInput
        {
            TemplateId = "test-stalled",
            Name = name,
            Domain = name + ".example",
        }, progress: null, ct);
        Assert.True(created.IsSuccess, created.Error?.Message);
        return created.Value!;
    }

    /// <summary>Until the service is recorded Pulling and the engine has connected to the silent registry: a pull in progress, stalled.</summary>
    private async Task UntilPullingAsync(string name)
    {
        var before = _registry.Connections;
        await Wait.UntilAsync(async () =>
            (await Services.ListAsync(_owner, _environment.Id)).Value!.Any(s => s.Slug == name && s.State == ServiceState.Pulling), $"{name} pulling", Promptly);
        await Wait.UntilAsync(() => Task.FromResult(_registry.Connections > before), "the engine connecting to the registry", Promptly);
    }

    private Task<IReadOnlyList<string>> ContainersAsync() =>
        _host.Get<IContainerRuntime>().ListContainersAsync(new Dictionary<string, string> { [ServiceLabels.Project] = _project.Id.ToString() });

    /// <summary>A "registry" that accepts every connection and never says a word: a stalled pull.</summary>
    private sealed class SilentRegistry : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Socket> _accepted = [];
        private int _connections;

        public SilentRegistry()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref _connections);

        public void Dispose()
        {
            _listener.Stop();
            lock (_accepted)
            {
                _accepted.ForEach(s => s.Dispose());
            }
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptSocketAsync();
                    Interlocked.Increment(ref _connections);
                    lock (_accepted)
                    {
                        _accepted.Add(socket);
                    }
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        }
    }
}
