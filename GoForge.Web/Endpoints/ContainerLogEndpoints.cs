using System.Globalization;
using System.Text;
using GoForge.Core.Monitoring;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints;

internal static class ContainerLogEndpoints
{
    /// <summary>Lines in a download unless <c>?tail=</c> says otherwise (at most <see cref="MonitoringService.MaxLogTail"/>).</summary>
    public const int DefaultTail = 5000;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static IEndpointRouteBuilder MapContainerLogEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/applications/{applicationId:guid}/logs/download", DownloadAsync);
        endpoints.MapGet("/services/{serviceId:guid}/logs/download", DownloadServiceAsync);
        return endpoints;
    }

    /// <summary>
    /// The container's last lines as text (masked by the service), one per line: time, stream, text. Access is the
    /// service's: an application the user may not see is not found, exactly like one that does not exist.
    /// <paramref name="service"/> names one service of a compose application (<c>?service=web</c>).
    /// </summary>
    internal static Task<Results<PushStreamHttpResult, NotFound>> DownloadAsync(
        Guid applicationId, int? tail, HttpContext context, MonitoringService monitoring, string? service = null) =>
        StreamAsync(service is null ? Workload.Application(applicationId) : Workload.Compose(applicationId, service), tail, context, monitoring);

    /// <summary>A catalog service's container log, as <see cref="DownloadAsync(Guid, int?, HttpContext, MonitoringService)"/>.</summary>
    internal static Task<Results<PushStreamHttpResult, NotFound>> DownloadServiceAsync(
        Guid serviceId, int? tail, HttpContext context, MonitoringService monitoring) =>
        StreamAsync(Workload.Service(serviceId), tail, context, monitoring);

    private static async Task<Results<PushStreamHttpResult, NotFound>> StreamAsync(
        Workload workload, int? tail, HttpContext context, MonitoringService monitoring)
    {
        var actor = context.User.ToActor();
        if (actor is null)
        {
            return TypedResults.NotFound();
        }

        var lines = Math.Clamp(tail ?? DefaultTail, 0, MonitoringService.MaxLogTail);
        var read = await monitoring.ReadLogsAsync(actor, workload, lines, context.RequestAborted);
        if (!read.IsSuccess)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Stream(
            async body =>
            {
                await using var writer = new StreamWriter(body, Utf8, leaveOpen: true);
                await foreach (var entry in read.Value.WithCancellation(context.RequestAborted))
                {
                    await writer.WriteAsync(entry.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z '", CultureInfo.InvariantCulture));
                    await writer.WriteAsync(entry.Stream == LogOutput.Stderr ? "stderr " : "stdout ");
                    await writer.WriteLineAsync(entry.Text);
                }
            },
            "text/plain; charset=utf-8",
            workload.ComposeService is { } name
                ? $"application-{workload.Id}-{name}.log"
                : $"{workload.Kind.ToString().ToLowerInvariant()}-{workload.Id}.log");
    }
}
