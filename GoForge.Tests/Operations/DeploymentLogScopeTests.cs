using System.Collections.Concurrent;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Tests.Deployments;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GoForge.Tests.Operations;

/// <summary>
/// One log scope per deployment: a real deployment (clone, build on the real engine, start, health check) in the
/// real panel, its log lines captured with their scopes by a provider of the test's own.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DeploymentLogScopeTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private readonly ScopedLogs _logs = new();
    private DeployScenario _scenario = null!;
    private Application _application = null!;
    private string _sha = null!;

    private GoForgeApp App => _scenario.App;

    public async Task InitializeAsync()
    {
        _scenario = await DeployScenario.StartAsync(postgres, docker, "log_scope", settings: new Dictionary<string, string?>
        {
            ["GoForge:Deployments:DrainDelay"] = "00:00:00",
        }, services: services => services.AddSingleton<ILoggerProvider>(_logs));
        _sha = _scenario.Repository.Commit("v1", SampleDockerfiles.ServesIndex(_scenario.Nonce), new Dictionary<string, string> { ["index.html"] = $"scoped {_scenario.Nonce}\n" });
        _application = await _scenario.CreateApplicationAsync(_scenario.Actor, "scoped");
    }

    public Task DisposeAsync() => _scenario.DisposeAsync().AsTask();

    [Fact]
    public async Task Every_line_logged_while_a_deployment_runs_carries_its_deployment_application_and_commit()
    {
        var deployment = (await App.Get<DeploymentService>().EnqueueAsync(_scenario.Actor, _application.Id)).Value!;
        var id = deployment.Id.ToString();
        await Wait.UntilAsync(() => Task.FromResult(_logs.Entries.Any(e => e.EventId == 3004 && e.Message.Contains(id, StringComparison.Ordinal))),
            "the worker's line that the deployment ended", TimeSpan.FromSeconds(90));

        var ended = (await App.Get<IDeploymentRepository>().GetAsync(deployment.Id))!;
        Assert.True(ended.State == DeploymentState.Running, $"ended {ended.State}: {ended.Reason}");
        var started = Assert.Single(_logs.Entries, e => e.EventId == 3003 && e.Message.Contains(id, StringComparison.Ordinal));
        Assert.Equal(deployment.Id, started.Scope["DeploymentId"]);
        Assert.Equal(_application.Id, started.Scope["ApplicationId"]);
        Assert.Null(started.Scope["CommitSha"]); // the branch head: not known before the clone

        // Lines of other components (the Docker adapter builds and starts; the worker ends), after the clone found the commit.
        int[] afterClone = [1200, 1201, 1211, 3004];
        var during = _logs.Entries.Where(e => afterClone.Contains(e.EventId) && e.Scope.ContainsKey("DeploymentId")).ToList();
        Assert.Equal(afterClone.Order(), during.Select(e => e.EventId).Distinct().Order());
        Assert.All(during, e =>
        {
            Assert.Equal(deployment.Id, e.Scope["DeploymentId"]);
            Assert.Equal(_application.Id, e.Scope["ApplicationId"]);
            Assert.Equal(_sha, e.Scope["CommitSha"]);
        });
    }

    private sealed record Entry(int EventId, string Category, string Message, IReadOnlyDictionary<string, object?> Scope);

    /// <summary>Keeps every line with the key/value pairs of all scopes open when it was written (as the JSON console does).</summary>
    private sealed class ScopedLogs : ILoggerProvider, ISupportExternalScope
    {
        private readonly ConcurrentQueue<Entry> _entries = new();
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public IReadOnlyCollection<Entry> Entries => _entries;

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ScopedLogs owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
                owner._scopes.ForEachScope((s, values) =>
                {
                    if (s is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, value) in pairs)
                        {
                            values[key] = value;
                        }
                    }
                }, scope);
                owner._entries.Enqueue(new Entry(eventId.Id, category, formatter(state, exception), scope));
            }
        }
    }
}
