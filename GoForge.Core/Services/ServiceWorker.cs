using GoForge.Core.Auditing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Services;

/// <summary>
/// Takes queued service operations in order, at most <see cref="MaxConcurrent"/> at once and one per service (the
/// queue's unique index), and runs each through the <see cref="ServiceRunner"/>; then records its outcome, audits it
/// for the person who asked, and tells followers (<see cref="ServiceOperationEnds"/>). On start it first runs the
/// <see cref="ServiceRecovery"/>. Same model as the DeploymentWorker (docs/decisions/services.md#operations).
/// </summary>
public sealed partial class ServiceWorker(
    IServiceOperationRepository operations,
    IServiceInstanceRepository instances,
    ServiceRecovery recovery,
    ServiceRunner runner,
    ServiceSignal queue,
    ServiceCancellations cancellations,
    ServiceOperationEnds ends,
    ServicePullWatch pulls,
    IAuditLog audit,
    TimeProvider time,
    ILogger<ServiceWorker> logger,
    Common.Work.StartupRecovery? startup = null) : BackgroundService
{
    public const int MaxConcurrent = 4;
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(5);

    private readonly Dictionary<Guid, Task> _running = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            foreach (var ended in await recovery.RecoverAsync(stoppingToken))
            {
                LogRecovered(logger, ended.Id, ended.ServiceId);
                ends.Ended(ended.Id);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogLoopFailed(logger, e);
        }
        finally
        {
            startup?.ServicesRecovered();
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var done in _running.Where(r => r.Value.IsCompleted).Select(r => r.Key).ToList())
                {
                    _running.Remove(done);
                }

                var free = MaxConcurrent - _running.Count;
                if (free > 0)
                {
                    foreach (var operation in await operations.ClaimAsync(free, time.GetUtcNow(), stoppingToken))
                    {
                        _running[operation.Id] = Task.Run(() => RunAsync(operation, stoppingToken), CancellationToken.None);
                    }
                }

                await queue.WaitAsync(IdlePoll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The loop must not die: log, pause briefly, and look at the queue again.
                LogLoopFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        await Task.WhenAll(_running.Values).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task RunAsync(ServiceOperation operation, CancellationToken stoppingToken)
    {
        using var cancel = cancellations.Register(operation.Id, stoppingToken);
        LogRunStarted(logger, operation.Id, operation.Kind, operation.ServiceId);
        ServiceRunResult result;
        ServiceInstance? before = null;
        try
        {
            before = await instances.GetAsync(operation.ServiceId, CancellationToken.None);
            result = before is null
                ? new ServiceRunResult(null, ServiceOperationState.Failed, "failed: the service no longer exists")
                : await runner.RunAsync(operation, before, pulls.ReporterFor(operation.ServiceId), cancel.Token, stoppingToken);
        }
        catch (ServiceChangedException e)
        {
            result = new ServiceRunResult(null, ServiceOperationState.Failed, "failed: " + e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogRunFailed(logger, operation.Id, e);
            result = new ServiceRunResult(null, ServiceOperationState.Failed, $"failed: unexpected error: {e.Message}");
        }
        finally
        {
            cancellations.Unregister(operation.Id);
        }

        try
        {
            // A panel stopping mid-run leaves the operation Running: the next start's recovery ends it.
            await operations.TryEndAsync(operation.Id, result.State, result.Outcome, time.GetUtcNow(), CancellationToken.None);
            if (before is not null)
            {
                await audit.RecordAsync(new AuditEvent
                {
                    OccurredAt = time.GetUtcNow(),
                    ActorUserId = operation.RequestedBy,
                    Action = ActionOf(operation.Kind),
                    Target = $"service:{before.Slug}",
                    Detail = DetailOf(operation, before, result),
                    ProjectId = before.ProjectId,
                }, CancellationToken.None);
            }

            LogRunEnded(logger, operation.Id, result.State);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogRunFailed(logger, operation.Id, e);
        }
        finally
        {
            ends.Ended(operation.Id);
            queue.Wake();
        }
    }

    private static string ActionOf(ServiceOperationKind kind) => kind switch
    {
        ServiceOperationKind.Create => AuditActions.ServiceCreated,
        ServiceOperationKind.Start => AuditActions.ServiceStarted,
        ServiceOperationKind.Stop => AuditActions.ServiceStopped,
        ServiceOperationKind.Restart => AuditActions.ServiceRestarted,
        ServiceOperationKind.Version => AuditActions.ServiceVersionChanged,
        ServiceOperationKind.Delete => AuditActions.ServiceDeleted,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static string DetailOf(ServiceOperation operation, ServiceInstance before, ServiceRunResult result) => operation.Kind switch
    {
        ServiceOperationKind.Create => $"{before.TemplateId}:{before.Version} in environment {before.EnvironmentId}; {result.Outcome}",
        ServiceOperationKind.Version => $"{before.Version} → {operation.Version}; {result.Outcome}",
        ServiceOperationKind.Delete => $"{(operation.KeepVolumes ? "keeping volumes" : "deleting volumes")}; {result.Outcome}",
        _ => result.Outcome,
    };

    [LoggerMessage(EventId = 3100, Level = LogLevel.Error, Message = "The service worker loop failed; it goes on")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Service operation {OperationId} on service {ServiceId} was interrupted by a restart; marked failed")]
    private static partial void LogRecovered(ILogger logger, Guid operationId, Guid serviceId);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Service operation {OperationId} ({Kind}) on service {ServiceId} started")]
    private static partial void LogRunStarted(ILogger logger, Guid operationId, ServiceOperationKind kind, Guid serviceId);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Service operation {OperationId} ended {State}")]
    private static partial void LogRunEnded(ILogger logger, Guid operationId, ServiceOperationState state);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Error, Message = "Service operation {OperationId} failed unexpectedly")]
    private static partial void LogRunFailed(ILogger logger, Guid operationId, Exception exception);
}
