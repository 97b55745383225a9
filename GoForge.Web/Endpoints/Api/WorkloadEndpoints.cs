using System.Security.Claims;
using System.Text.Json;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Monitoring;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// The container log and current stats of an application or a service through <see cref="MonitoringService"/>, as the
/// Logs and Metrics panels read them. Logs are masked by Core; a read answers the last <c>tail</c> lines (optionally
/// only those after <c>since</c>), a follow streams NDJSON until the client hangs up or the follow's time-out ends it.
/// </summary>
internal static class WorkloadEndpoints
{
    public const int DefaultTail = 1000;
    public const int DefaultFollowSeconds = 300;
    public const int MaxFollowSeconds = 3600;
    public const int MaxStatsWaitSeconds = 30;

    public static RouteGroupBuilder MapWorkloadEndpoints(this RouteGroupBuilder api)
    {
        foreach (var (kind, route, tag) in new[] { (WorkloadKind.Application, "/applications/{applicationId:guid}", "Applications"), (WorkloadKind.Service, "/services/{serviceId:guid}", "Services") })
        {
            var idName = kind == WorkloadKind.Application ? "applicationId" : "serviceId";
            var whose = kind == WorkloadKind.Application ? "an application's" : "a service's";
            api.MapGet(route + "/logs", (HttpContext http, ClaimsPrincipal user, MonitoringService monitoring, IOptions<JsonOptions> json, int? tail, DateTimeOffset? since, bool? follow, int? timeout) =>
                    LogsAsync(http, new Workload(kind, IdOf(http, idName)), user, monitoring, json.Value.SerializerOptions, tail, since, follow, timeout))
                .RequireScope(ApiScope.Read).WithTags(tag)
                .Produces<LogsResponse>(StatusCodes.Status200OK, "application/json")
                .ProducesValidationProblem()
                .ProducesProblem(StatusCodes.Status404NotFound)
                .WithSummary($"The last lines of {whose} container log (masked); ?follow=true streams new lines as NDJSON");
            api.MapGet(route + "/stats", (HttpContext http, ClaimsPrincipal user, MonitoringService monitoring, int? wait, CancellationToken ct) =>
                    StatsAsync(new Workload(kind, IdOf(http, idName)), user, monitoring, wait, ct))
                .RequireScope(ApiScope.Read).WithTags(tag)
                .WithSummary($"{whose} current container and its latest resource sample");
        }

        return api;
    }

    public const string FollowContentType = "application/x-ndjson";

    private static Guid IdOf(HttpContext http, string name) => Guid.Parse((string)http.Request.RouteValues[name]!, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<IResult> LogsAsync(
        HttpContext http, Workload workload, ClaimsPrincipal user, MonitoringService monitoring, JsonSerializerOptions json, int? tail, DateTimeOffset? since, bool? follow, int? timeout)
    {
        var lines = tail ?? DefaultTail;
        if (lines is < 0 or > MonitoringService.MaxLogTail)
        {
            return ApiResults.Validation("tail", $"Ask for 0 to {MonitoringService.MaxLogTail} lines.");
        }

        var seconds = timeout ?? DefaultFollowSeconds;
        if (follow != true && timeout is not null)
        {
            return ApiResults.Validation("timeout", "A time-out applies to ?follow=true only.");
        }

        if (seconds is < 1 or > MaxFollowSeconds)
        {
            return ApiResults.Validation("timeout", $"Follow for 1 to {MaxFollowSeconds} seconds.");
        }

        var actor = user.ToApiActor();
        var ct = http.RequestAborted;
        if (follow != true)
        {
            var read = await monitoring.ReadLogsAsync(actor, workload, lines, ct);
            if (!read.IsSuccess)
            {
                return ApiResults.Problem(read.Error);
            }

            var entries = new List<LogLine>();
            await foreach (var entry in read.Value.WithCancellation(ct))
            {
                if (since is null || entry.Time > since)
                {
                    entries.Add(LogLine.From(entry));
                }
            }

            return TypedResults.Ok(new LogsResponse(entries));
        }

        // Followed until the client hangs up or the time-out ends it: a forgotten curl does not hold a stream for ever.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(TimeSpan.FromSeconds(seconds));
        var followed = await monitoring.FollowLogsAsync(actor, workload, lines, bounded.Token);
        if (!followed.IsSuccess)
        {
            return ApiResults.Problem(followed.Error);
        }

        http.Response.ContentType = FollowContentType;
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.StartAsync(ct);
        try
        {
            await foreach (var entry in followed.Value.WithCancellation(bounded.Token))
            {
                if (since is not null && entry.Time <= since)
                {
                    continue;
                }

                await JsonSerializer.SerializeAsync(http.Response.Body, LogLine.From(entry), json, bounded.Token);
                await http.Response.Body.WriteAsync("\n"u8.ToArray(), bounded.Token);
                await http.Response.Body.FlushAsync(bounded.Token);
            }
        }
        catch (OperationCanceledException) when (bounded.IsCancellationRequested)
        {
            // The client hung up, or the follow's time-out ended it: either way the answer is complete.
        }

        return Results.Empty;
    }

    private static async Task<Results<Ok<StatsResponse>, ProblemHttpResult>> StatsAsync(Workload workload, ClaimsPrincipal user, MonitoringService monitoring, int? wait, CancellationToken ct)
    {
        var seconds = wait ?? 5;
        if (seconds is < 0 or > MaxStatsWaitSeconds)
        {
            return ApiResults.Validation("wait", $"Wait 0 to {MaxStatsWaitSeconds} seconds for a first sample.");
        }

        var sampled = new TaskCompletionSource<ContainerStatsSample>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watched = await monitoring.WatchAsync(user.ToApiActor(), workload, update =>
        {
            if (update is RuntimeStatsArrived arrived)
            {
                sampled.TrySetResult(arrived.Sample);
            }
        }, ct);
        if (!watched.IsSuccess)
        {
            return ApiResults.Problem(watched.Error);
        }

        using var watch = watched.Value;
        var initial = watch.Initial;
        var sample = initial.History.Count > 0 ? initial.History[^1] : null;

        // Nobody was watching, so the engine had not been sampled yet: the watch just asked for samples; wait for one.
        if (sample is null && initial.Container is { IsRunning: true } && seconds > 0)
        {
            try
            {
                sample = await sampled.Task.WaitAsync(TimeSpan.FromSeconds(seconds), ct);
            }
            catch (TimeoutException)
            {
                sample = null;
            }
        }

        return TypedResults.Ok(new StatsResponse(initial.EngineConnected, initial.Container is { } c ? ContainerResponse.From(c) : null, sample));
    }
}

public sealed record LogLine(DateTimeOffset Time, string Stream, string Text, string ContainerId, bool Notice)
{
    public static LogLine From(WorkloadLogEntry e) =>
        new(e.Time, JsonNamingPolicy.CamelCase.ConvertName(e.Stream.ToString()), e.Text, e.ContainerId.Length > 12 ? e.ContainerId[..12] : e.ContainerId, e.Notice);
}

public sealed record LogsResponse(IReadOnlyList<LogLine> Lines);

public sealed record ContainerResponse(string Id, string Name, string Image, ContainerRunState State, ContainerHealthState Health, int ExitCode,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, int RestartCount)
{
    public static ContainerResponse From(ContainerSnapshot c) =>
        new(c.Id.Length > 12 ? c.Id[..12] : c.Id, c.Name, c.Image, c.State, c.Health, c.ExitCode, c.StartedAt, c.FinishedAt, c.RestartCount);
}

/// <param name="Sample">The latest resource sample; null when the container is not running or none came in the wait.</param>
public sealed record StatsResponse(bool EngineConnected, ContainerResponse? Container, ContainerStatsSample? Sample);
