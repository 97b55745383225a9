using Microsoft.Extensions.Hosting;

namespace GoForge.Core.Services;

/// <summary>
/// At start-up, a service a previous run left half-way (Creating, Pulling, Starting) is Failed with "interrupted by
/// restart": the work died with that process, and the service page then offers Start or Delete instead of a state
/// that never ends. Same rule as deployments (docs/decisions/deployments.md); one panel per database.
/// </summary>
public sealed class ServiceRecovery(IServiceInstanceRepository services, TimeProvider time) : IHostedService
{
    public const string InterruptedReason = "interrupted by restart";

    public Task StartAsync(CancellationToken cancellationToken) => services.FailInterruptedAsync(InterruptedReason, time.GetUtcNow(), cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
