using System.Collections.Concurrent;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Deployments;

/// <summary>The worker's queue rules against real PostgreSQL, with a runner the test releases step by step.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DeploymentWorkerTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly HeldRunner _runner = new();
    private TestHost _host = null!;
    private Actor _owner = null!;
    private Guid _environmentId;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "worker");
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
        var project = (await _host.Get<ProjectService>().CreateAsync(_owner, new ProjectInput("Queue", null))).Value!;
        _environmentId = (await _host.Get<EnvironmentService>().ListAsync(_owner, project.Id)).Value![0].Id;
        _runner.States = _host.Get<DeploymentStates>();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private DeploymentWorker NewWorker(int maxConcurrent = 2) => new(
        _host.Get<IDeploymentRepository>(), _host.Get<DeploymentStates>(), _host.Get<DeploymentSignal>(), _runner,
        Options.Create(new DeploymentOptions { MaxConcurrent = maxConcurrent, IdlePollInterval = TimeSpan.FromSeconds(30) }),
        _host.Get<GoForge.Core.Operations.GoForgeMetrics>(), NullLogger<DeploymentWorker>.Instance);

    private async Task<Guid> NewAppAsync(string name) =>
        (await _host.Get<ApplicationService>().CreateAsync(_owner, _environmentId, new ApplicationInput { Name = name, GitUrl = "https://example.com/x.git" })).Value!.Id;

    private async Task<Deployment> EnqueueAsync(Guid appId) => (await _host.Get<DeploymentService>().EnqueueAsync(_owner, appId)).Value!;

    private async Task<DeploymentState> StateAsync(Guid id) => (await _host.Get<IDeploymentRepository>().GetAsync(id))!.State;

    [Fact]
    public async Task Pending_deployments_run_in_order_and_at_most_two_at_once()
    {
        var first = await EnqueueAsync(await NewAppAsync("a"));
        var second = await EnqueueAsync(await NewAppAsync("b"));
        var third = await EnqueueAsync(await NewAppAsync("c"));
        var worker = NewWorker();
        await worker.StartAsync(CancellationToken.None);
        try
        {
            await Wait.UntilAsync(() => Task.FromResult(_runner.Started.Count == 2), "two deployments to start");
            Assert.Equal([first.Id, second.Id], _runner.Started.Order());
            Assert.Equal(DeploymentState.Pending, await StateAsync(third.Id));

            _runner.Release(first.Id);

            await Wait.UntilAsync(() => Task.FromResult(_runner.Started.Contains(third.Id)), "the third deployment to start");
            await Wait.UntilAsync(async () => await StateAsync(first.Id) == DeploymentState.Running, "the first to be running");
        }
        finally
        {
            _runner.ReleaseAll();
            await worker.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task An_application_never_has_two_deployments_in_progress()
    {
        var app = await NewAppAsync("single");
        var first = await EnqueueAsync(app);
        var worker = NewWorker();
        await worker.StartAsync(CancellationToken.None);
        try
        {
            await Wait.UntilAsync(() => Task.FromResult(_runner.Started.Contains(first.Id)), "the first deployment to start");
            var second = await EnqueueAsync(app);

            // Woken by the enqueue, the worker looks at the queue and must leave the second one waiting.
            await Wait.UntilAsync(async () => (await _host.Get<IDeploymentRepository>().ListRunnableAsync(10)).Count == 0, "the queue to see the app busy");
            Assert.Equal(DeploymentState.Pending, await StateAsync(second.Id));
            Assert.DoesNotContain(second.Id, _runner.Started);

            _runner.Release(first.Id);
            await Wait.UntilAsync(() => Task.FromResult(_runner.Started.Contains(second.Id)), "the second deployment to start after the first");
        }
        finally
        {
            _runner.ReleaseAll();
            await worker.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task After_a_crash_interrupted_deployments_fail_with_the_reason_and_pending_ones_run()
    {
        var interrupted = await EnqueueAsync(await NewAppAsync("crashed"));
        var states = _host.Get<DeploymentStates>();
        await states.TransitionAsync(interrupted.Id, DeploymentTrigger.Start, TransitionRequest.System());
        await states.TransitionAsync(interrupted.Id, DeploymentTrigger.CloneSucceeded, TransitionRequest.System());
        var waiting = await EnqueueAsync(await NewAppAsync("waiting"));

        var worker = NewWorker();
        await worker.StartAsync(CancellationToken.None);
        try
        {
            await Wait.UntilAsync(() => Task.FromResult(_runner.Started.Contains(waiting.Id)), "the pending deployment to run");
            var recovered = (await _host.Get<IDeploymentRepository>().GetAsync(interrupted.Id))!;
            Assert.Equal((DeploymentState.Failed, DeploymentWorker.InterruptedReason), (recovered.State, recovered.Reason));
            Assert.DoesNotContain(interrupted.Id, _runner.Started);
        }
        finally
        {
            _runner.ReleaseAll();
            await worker.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_runner_that_throws_ends_its_deployment_failed_and_the_worker_goes_on()
    {
        var broken = await EnqueueAsync(await NewAppAsync("broken"));
        _runner.Throw(broken.Id);
        var worker = NewWorker();
        await worker.StartAsync(CancellationToken.None);
        try
        {
            await Wait.UntilAsync(async () => await StateAsync(broken.Id) == DeploymentState.Failed, "the broken deployment to fail");
            var next = await EnqueueAsync(await NewAppAsync("next"));
            await Wait.UntilAsync(() => Task.FromResult(_runner.Started.Contains(next.Id)), "the next deployment to start");
        }
        finally
        {
            _runner.ReleaseAll();
            await worker.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Records each run and holds it until the test releases it; then walks the deployment to Running.</summary>
    private sealed class HeldRunner : IDeploymentRunner
    {
        private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _gates = new();
        private readonly ConcurrentDictionary<Guid, bool> _throw = new();

        public DeploymentStates States { get; set; } = null!;

        public ConcurrentQueue<Guid> Started { get; } = new();

        public void Release(Guid id) => Gate(id).TrySetResult();

        public void ReleaseAll()
        {
            foreach (var gate in _gates.Values)
            {
                gate.TrySetResult();
            }
        }

        public void Throw(Guid id) => _throw[id] = true;

        public async Task RunAsync(Deployment deployment, CancellationToken ct)
        {
            Started.Enqueue(deployment.Id);
            if (_throw.ContainsKey(deployment.Id))
            {
                throw new InvalidOperationException("runner exploded");
            }

            await Gate(deployment.Id).Task.WaitAsync(ct);
            foreach (var trigger in new[] { DeploymentTrigger.CloneSucceeded, DeploymentTrigger.BuildSucceeded, DeploymentTrigger.BecameHealthy })
            {
                await States.TransitionAsync(deployment.Id, trigger, TransitionRequest.System(), ct);
            }
        }

        private TaskCompletionSource Gate(Guid id) => _gates.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
