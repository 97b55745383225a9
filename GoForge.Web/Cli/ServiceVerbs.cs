using System.CommandLine;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Services;
using GoForge.Web.Cli.Remote;

namespace GoForge.Web.Cli;

/// <summary>A service operation as the CLI sees it, locally or through the API.</summary>
internal sealed record ServiceOperationSnapshot(Guid Id, Guid ServiceId, string Kind, string State, string? Outcome)
{
    public bool IsEnded => State is "succeeded" or "failed" or "canceled";

    public static ServiceOperationSnapshot From(ServiceOperation o) =>
        new(o.Id, o.ServiceId, o.Kind.ToString().ToLowerInvariant(), o.State.ToString().ToLowerInvariant(), o.Outcome);
}

/// <summary>
/// <c>service start|stop|restart|delete|cancel &lt;id&gt;</c>: locally through <see cref="ServiceCommands"/> as the
/// operator (the running panel's service worker takes the operation from the database queue), or remotely through
/// <c>/api/v1</c> with a token. <c>--wait</c> follows the operation to its outcome; the exit code says how it ended.
/// </summary>
internal static class ServiceVerbs
{
    public static Command Service(CliConsole console) => new("service", "Start, stop, restart, delete a service, or cancel its pull.")
    {
        Action(console, "start", "Queue starting a stopped or failed service."),
        Action(console, "stop", "Queue stopping a service (its container and data stay)."),
        Action(console, "restart", "Queue stopping and starting a service again."),
        Action(console, "delete", "Queue deleting a service; its data volumes stay unless --delete-volumes."),
        Action(console, "cancel", "Cancel the service's queued operation, or its running one while it pulls."),
    };

    private static Command Action(CliConsole console, string verb, string description)
    {
        var id = new Argument<Guid>("service") { Description = "The service's id." };
        var wait = new Option<bool>("--wait") { Description = "Wait until the operation ends; the exit code says how it ended." };
        var timeout = DeployCommands.TimeoutOption();
        var server = RemoteTarget.ServerOption();
        var token = RemoteTarget.TokenOption();
        var command = new Command(verb, description) { id, wait, timeout, server, token };
        var deleteVolumes = new Option<bool>("--delete-volumes") { Description = "With delete: remove the data volumes too." };
        if (verb == "delete")
        {
            command.Add(deleteVolumes);
        }

        command.SetAction((parse, ct) =>
        {
            var remote = RemoteTarget.From(parse.GetValue(server), parse.GetValue(token), console, out var problem);
            if (problem is not null)
            {
                console.Fail(problem);
                return Task.FromResult(ExitCodes.Usage);
            }

            var request = new ServiceRequestLine(verb, parse.GetValue(id), parse.GetValue(wait), parse.GetValue(timeout), !parse.GetValue(deleteVolumes));
            return remote is null ? LocallyAsync(console, request, ct) : RemotelyAsync(console, remote, request, ct);
        });
        return command;
    }

    private static Task<int> LocallyAsync(CliConsole console, ServiceRequestLine request, CancellationToken ct) =>
        CliRun.LocalAsync(console, needsCurrentSchema: true, async host =>
        {
            var commands = host.Get<ServiceCommands>();
            var actor = Actor.Operator;
            var queued = request.Verb switch
            {
                "start" => await commands.StartAsync(actor, request.ServiceId, null, ct),
                "stop" => await commands.StopAsync(actor, request.ServiceId, ct),
                "restart" => await commands.RestartAsync(actor, request.ServiceId, null, ct),
                "delete" => await commands.DeleteAsync(actor, request.ServiceId, request.KeepVolumes, ct),
                _ => await commands.CancelAsync(actor, request.ServiceId, ct),
            };
            if (!queued.IsSuccess)
            {
                return CliRun.Report(console, queued.Error!);
            }

            var operation = queued.Value!;
            console.Out.WriteLine($"{Said(request.Verb)} {operation.Kind.ToString().ToLowerInvariant()} {operation.Id} of service {operation.ServiceId}. The running panel's worker takes it from the queue.");
            return !request.Wait ? ExitCodes.Ok : await WaitAsync(console, operation.Id, request.Timeout, async token =>
            {
                var read = await commands.GetOperationAsync(actor, operation.ServiceId, operation.Id, token);
                return read.IsSuccess ? ServiceOperationSnapshot.From(read.Value!) : read.Error!;
            }, ct);
        }, ct);

    private static Task<int> RemotelyAsync(CliConsole console, RemoteTarget remote, ServiceRequestLine request, CancellationToken ct) =>
        CliRun.GuardAsync(console, async () =>
        {
            await using var services = remote.CreateClientServices(console);
            var api = services.GetRequiredService<GoForgeApiClient>();
            var queued = await api.QueueServiceOperationAsync(request.ServiceId, request.Verb, request.KeepVolumes, ct);
            if (!queued.IsSuccess)
            {
                return CliRun.Report(console, queued.Error!);
            }

            var operation = queued.Value!;
            console.Out.WriteLine($"{Said(request.Verb)} {operation.Kind} {operation.Id} of service {operation.ServiceId} on {remote.Server}.");
            return !request.Wait ? ExitCodes.Ok : await WaitAsync(console, operation.Id, request.Timeout,
                token => api.GetServiceOperationAsync(operation.ServiceId, operation.Id, token), ct);
        });

    /// <summary>Reads the operation again every poll interval until it ends or the time-out passes.</summary>
    private static async Task<int> WaitAsync(
        CliConsole console, Guid operationId, TimeSpan timeout, Func<CancellationToken, Task<Result<ServiceOperationSnapshot>>> read, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        string? shown = null;
        try
        {
            while (true)
            {
                var current = await read(deadline.Token);
                if (!current.IsSuccess)
                {
                    return CliRun.Report(console, current.Error!);
                }

                var snapshot = current.Value!;
                if (snapshot.State != shown)
                {
                    console.Out.WriteLine(snapshot.State);
                    shown = snapshot.State;
                }

                if (snapshot.IsEnded)
                {
                    if (snapshot.State == "succeeded")
                    {
                        console.Out.WriteLine($"Operation {operationId} succeeded: {snapshot.Outcome}.");
                        return ExitCodes.Ok;
                    }

                    console.Fail($"operation {operationId} ended {snapshot.State}: {snapshot.Outcome}");
                    return ExitCodes.Failed;
                }

                await Task.Delay(console.PollInterval, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            console.Fail($"operation {operationId} had not ended after {timeout} (last seen {shown ?? "unknown"}); it goes on without the CLI.");
            return ExitCodes.TimedOut;
        }
    }

    private static string Said(string verb) => verb == "cancel" ? "Canceling" : "Queued";

    private sealed record ServiceRequestLine(string Verb, Guid ServiceId, bool Wait, TimeSpan Timeout, bool KeepVolumes);
}
