using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Registry;

/// <summary>Runs <see cref="DigestCheck"/> every <see cref="RegistryOptions.DigestCheckTick"/>; a failing pass is logged and the loop goes on.</summary>
public sealed partial class DigestCheckWorker(DigestCheck check, IOptions<RegistryOptions> options, TimeProvider time, ILogger<DigestCheckWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.DigestChecks)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await check.RunDueAsync(stoppingToken);
                await Task.Delay(options.Value.DigestCheckTick, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogPassFailed(logger, e);
                await Task.Delay(options.Value.DigestCheckTick, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(EventId = 7254, Level = LogLevel.Error, Message = "A digest check pass failed; the next one runs as planned")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
