using System.Globalization;
using System.Text;
using GoForge.Core.Monitoring;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints;

internal static class ContainerLogEndpoints
{
    /// <summary>Lines in a download unless <c>?tail=</c> says otherwise (the service allows up to 10,000).</summary>
    public const int DefaultTail = 5000;

    /// <summary>
    /// MonitoringService only follows: it sends the kept lines at once and then waits for new ones. The download ends
    /// when this long passes without a line (the kept lines are out), at the tail's count, or at a notice (another run).
    /// </summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(750);

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static IEndpointRouteBuilder MapContainerLogEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/applications/{applicationId:guid}/logs/download", DownloadAsync);
        return endpoints;
    }

    /// <summary>
    /// The container's last lines as text (masked by the service), one per line: time, stream, text. Access is the
    /// service's: an application the user may not see is not found, exactly like one that does not exist.
    /// </summary>
    internal static async Task<Results<PushStreamHttpResult, NotFound>> DownloadAsync(
        Guid applicationId, int? tail, HttpContext context, MonitoringService monitoring, TimeProvider time)
    {
        var actor = context.User.ToActor();
        if (actor is null)
        {
            return TypedResults.NotFound();
        }

        var lines = Math.Clamp(tail ?? DefaultTail, 0, 10_000);
        var followed = await monitoring.FollowLogsAsync(actor, applicationId, lines, context.RequestAborted);
        if (!followed.IsSuccess)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Stream(
            async body =>
            {
                await using var writer = new StreamWriter(body, Utf8, leaveOpen: true);
                using var quiet = new CancellationTokenSource(QuietPeriod, time);
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, quiet.Token);
                var written = 0;
                try
                {
                    await foreach (var entry in followed.Value.WithCancellation(stop.Token))
                    {
                        if (entry.Notice || written >= lines)
                        {
                            break;
                        }

                        quiet.CancelAfter(QuietPeriod);
                        await writer.WriteAsync(entry.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z '", CultureInfo.InvariantCulture));
                        await writer.WriteAsync(entry.Stream == LogOutput.Stderr ? "stderr " : "stdout ");
                        await writer.WriteLineAsync(entry.Text);
                        if (++written >= lines)
                        {
                            break;
                        }
                    }
                }
                catch (OperationCanceledException) when (quiet.IsCancellationRequested)
                {
                    // Quiet: every kept line is out.
                }
            },
            "text/plain; charset=utf-8",
            $"application-{applicationId}.log");
    }
}
