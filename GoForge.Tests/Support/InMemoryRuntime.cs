using System.Collections.Concurrent;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Support;

/// <summary>For in-memory page tests: run states in a dictionary, an engine that stops and starts nothing, and the real <see cref="ApplicationRuntimeService"/> over them.</summary>
public static class InMemoryRuntime
{
    public static IServiceCollection AddInMemoryRuntime(this IServiceCollection services)
    {
        services.AddSingleton<IApplicationRunStates, InMemoryRunStates>();
        services.AddSingleton<IContainerLifecycle, NoContainerLifecycle>();
        services.AddSingleton<ApplicationRoutes>();
        services.AddSingleton<ApplicationRuntimeService>();
        return services;
    }

    private sealed class InMemoryRunStates : IApplicationRunStates
    {
        private readonly ConcurrentDictionary<Guid, ApplicationRunState> _states = new();

        public Task<ApplicationRunState> GetAsync(Guid applicationId, CancellationToken ct = default) =>
            Task.FromResult(_states.GetValueOrDefault(applicationId, ApplicationRunState.Running));

        public Task SetAsync(Guid applicationId, ApplicationRunState state, CancellationToken ct = default)
        {
            _states[applicationId] = state;
            return Task.CompletedTask;
        }

        public Task<IReadOnlySet<Guid>> ListStoppedAsync(CancellationToken ct = default) =>
            Task.FromResult<IReadOnlySet<Guid>>(_states.Where(s => s.Value == ApplicationRunState.Stopped).Select(s => s.Key).ToHashSet());
    }

    private sealed class NoContainerLifecycle : IContainerLifecycle
    {
        private static EngineException None() => new("No Docker engine in this test.");

        public Task<bool> StopAsync(string containerId, CancellationToken ct = default) => throw None();

        public Task<bool> StartAsync(string containerId, CancellationToken ct = default) => throw None();

        public Task<bool> RestartAsync(string containerId, CancellationToken ct = default) => throw None();

        public Task<bool> ImageExistsAsync(string tag, CancellationToken ct = default) => throw None();
    }
}
