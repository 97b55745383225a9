using System.CommandLine;
using GoForge.Core.Common;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Web.Cli.Remote;

namespace GoForge.Web.Cli;

/// <summary>
/// <c>deploy</c> and <c>status</c>: locally through <see cref="DeploymentService"/> as the operator (the running panel's
/// worker takes the deployment from the database queue), or remotely through <c>/api/v1</c> with a token.
/// </summary>
internal static class DeployCommands
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(15);

    public static Command Deploy(CliConsole console)
    {
        var app = new Argument<string>("app") { Description = "The application: its id, or project/environment/application (slugs; local only)." };
        var wait = new Option<bool>("--wait") { Description = "Wait until the deployment runs or ends; the exit code says how it ended." };
        var timeout = TimeoutOption();
        var server = RemoteTarget.ServerOption();
        var token = RemoteTarget.TokenOption();
        var command = new Command("deploy", "Queue a deployment of an application (of its branch head).") { app, wait, timeout, server, token };
        command.SetAction((parse, ct) =>
        {
            var remote = RemoteTarget.From(parse.GetValue(server), parse.GetValue(token), console, out var problem);
            if (problem is not null)
            {
                console.Fail(problem);
                return Task.FromResult(ExitCodes.Usage);
            }

            var request = new DeployRequest(parse.GetValue(app)!, parse.GetValue(wait), parse.GetValue(timeout));
            return remote is null ? DeployLocallyAsync(console, request, ct) : DeployRemotelyAsync(console, remote, request, ct);
        });
        return command;
    }

    public static Command Status(CliConsole console)
    {
        var deployment = new Option<Guid?>("--deployment") { Description = "Show one deployment by its id." };
        var server = RemoteTarget.ServerOption();
        var token = RemoteTarget.TokenOption();
        var command = new Command("status", "Show every application's latest deployment (remote: the projects), or one deployment.") { deployment, server, token };
        command.SetAction((parse, ct) =>
        {
            var remote = RemoteTarget.From(parse.GetValue(server), parse.GetValue(token), console, out var problem);
            if (problem is not null)
            {
                console.Fail(problem);
                return Task.FromResult(ExitCodes.Usage);
            }

            var id = parse.GetValue(deployment);
            return remote is null ? StatusLocallyAsync(console, id, ct) : StatusRemotelyAsync(console, remote, id, ct);
        });
        return command;
    }

    internal static Option<TimeSpan> TimeoutOption() => new("--timeout")
    {
        Description = "With --wait: how long to wait, e.g. 90s, 10m, 1h (default 15m).",
        DefaultValueFactory = _ => DefaultTimeout,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            if (DeploymentWatch.TryParseDuration(text, out var duration))
            {
                return duration;
            }

            result.AddError($"--timeout takes a duration such as 90s, 10m or 1h, not '{text}'.");
            return default;
        },
    };

    private static Task<int> DeployLocallyAsync(CliConsole console, DeployRequest request, CancellationToken ct) =>
        CliRun.LocalAsync(console, needsCurrentSchema: true, async host =>
        {
            var found = await host.Get<ApplicationLocator>().FindAsync(Actor.Operator, request.App, ct);
            if (!found.IsSuccess)
            {
                return CliRun.Report(console, found.Error!);
            }

            var deployments = host.Get<DeploymentService>();
            var queued = await deployments.EnqueueAsync(Actor.Operator, found.Value!.Id, ct: ct);
            if (!queued.IsSuccess)
            {
                return CliRun.Report(console, queued.Error!);
            }

            var id = queued.Value!.Id;
            console.Out.WriteLine($"Queued deployment {id} of {found.Value.Name}. The running panel takes it from the queue.");
            return !request.Wait ? ExitCodes.Ok : await DeploymentWatch.WaitAsync(console, id, request.Timeout, async token =>
            {
                var read = await deployments.GetAsync(Actor.Operator, id, token);
                return read.IsSuccess ? new DeploymentSnapshot(id, read.Value!.State, read.Value.Reason) : read.Error!;
            }, ct);
        }, ct);

    private static Task<int> DeployRemotelyAsync(CliConsole console, RemoteTarget remote, DeployRequest request, CancellationToken ct) =>
        CliRun.GuardAsync(console, async () =>
        {
            if (!Guid.TryParse(request.App, out var appId))
            {
                console.Fail("with --server, name the application by its id (the slug path works locally only).");
                return ExitCodes.Usage;
            }

            await using var services = remote.CreateClientServices(console);
            var api = services.GetRequiredService<GoForgeApiClient>();
            var queued = await api.QueueDeploymentAsync(appId, ct);
            if (!queued.IsSuccess)
            {
                return CliRun.Report(console, queued.Error!);
            }

            var id = queued.Value!.Id;
            console.Out.WriteLine($"Queued deployment {id} on {remote.Server}.");
            return !request.Wait ? ExitCodes.Ok : await DeploymentWatch.WaitAsync(console, id, request.Timeout, async token =>
            {
                var read = await api.GetDeploymentAsync(id, token);
                return read.IsSuccess ? ToSnapshot(read.Value!) : read.Error!;
            }, ct);
        });

    private static Task<int> StatusLocallyAsync(CliConsole console, Guid? deploymentId, CancellationToken ct) =>
        CliRun.LocalAsync(console, needsCurrentSchema: true, async host =>
        {
            var deployments = host.Get<DeploymentService>();
            if (deploymentId is { } id)
            {
                var one = await deployments.GetAsync(Actor.Operator, id, ct);
                return one.IsSuccess ? Show(console, one.Value!.Id, one.Value.State, one.Value.Reason, one.Value.CommitSha, one.Value.UpdatedAt) : CliRun.Report(console, one.Error!);
            }

            var rows = new List<IReadOnlyList<string>>();
            foreach (var project in (await host.Get<ProjectService>().ListAsync(Actor.Operator, ct)).Select(p => p.Project))
            {
                var environments = await host.Get<EnvironmentService>().ListAsync(Actor.Operator, project.Id, ct);
                foreach (var environment in environments.Value ?? [])
                {
                    var apps = await host.Get<ApplicationService>().ListAsync(Actor.Operator, environment.Id, ct);
                    foreach (var app in apps.Value ?? [])
                    {
                        var recent = (await deployments.ListAsync(Actor.Operator, app.Id, 1, ct)).Value;
                        var latest = recent is { Count: > 0 } ? recent[0] : null;
                        rows.Add([$"{project.Slug}/{environment.Slug}/{app.Slug}", latest?.State.ToString().ToLowerInvariant() ?? "never deployed",
                            latest?.Id.ToString() ?? "-", latest?.UpdatedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "-"]);
                    }
                }
            }

            TextTable.Write(console.Out, ["APPLICATION", "STATE", "DEPLOYMENT", "UPDATED"], rows);
            return ExitCodes.Ok;
        }, ct);

    private static Task<int> StatusRemotelyAsync(CliConsole console, RemoteTarget remote, Guid? deploymentId, CancellationToken ct) =>
        CliRun.GuardAsync(console, async () =>
        {
            await using var services = remote.CreateClientServices(console);
            var api = services.GetRequiredService<GoForgeApiClient>();
            if (deploymentId is { } id)
            {
                var one = await api.GetDeploymentAsync(id, ct);
                return one.IsSuccess ? Show(console, one.Value!.Id, ToSnapshot(one.Value).State, one.Value.Reason, one.Value.CommitSha, one.Value.UpdatedAt) : CliRun.Report(console, one.Error!);
            }

            var projects = await api.ListProjectsAsync(ct);
            if (!projects.IsSuccess)
            {
                return CliRun.Report(console, projects.Error!);
            }

            TextTable.Write(console.Out, ["PROJECT", "NAME", "ID"], projects.Value!.Select(p => (IReadOnlyList<string>)[p.Slug, p.Name, p.Id.ToString()]));
            return ExitCodes.Ok;
        });

    private static int Show(CliConsole console, Guid id, DeploymentState state, string? reason, string? commit, DateTimeOffset? updated)
    {
        console.Out.WriteLine($"deployment  {id}");
        console.Out.WriteLine($"state       {state.ToString().ToLowerInvariant()}");
        console.Out.WriteLine($"reason      {reason ?? "-"}");
        console.Out.WriteLine($"commit      {commit ?? "-"}");
        console.Out.WriteLine($"updated     {updated?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "-"}");
        return ExitCodes.Ok;
    }

    /// <summary>A state word the CLI does not know (a newer server) counts as not settled, so --wait keeps waiting until its time-out.</summary>
    private static DeploymentSnapshot ToSnapshot(RemoteDeployment remote) =>
        new(remote.Id, Enum.TryParse<DeploymentState>(remote.State, ignoreCase: true, out var state) && Enum.IsDefined(state) ? state : DeploymentState.Pending, remote.Reason);

    private sealed record DeployRequest(string App, bool Wait, TimeSpan Timeout);
}
