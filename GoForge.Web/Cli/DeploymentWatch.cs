using GoForge.Core.Common;
using GoForge.Core.Deployments;

namespace GoForge.Web.Cli;

/// <summary>A deployment as the CLI sees it, locally or through the API.</summary>
internal sealed record DeploymentSnapshot(Guid Id, DeploymentState State, string? Reason);

/// <summary>
/// <c>deploy --wait</c>: reads the deployment's recorded state again every poll interval until it settles
/// (<see cref="DeploymentOutcome"/>) or the time-out passes; the exit code says which.
/// </summary>
internal static class DeploymentWatch
{
    public static async Task<int> WaitAsync(
        CliConsole console, Guid deploymentId, TimeSpan timeout, Func<CancellationToken, Task<Result<DeploymentSnapshot>>> read, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        DeploymentState? shown = null;
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
                    console.Out.WriteLine($"{snapshot.State.ToString().ToLowerInvariant()}{(snapshot.Reason is null ? string.Empty : $": {snapshot.Reason}")}");
                    shown = snapshot.State;
                }

                if (DeploymentOutcome.IsSettled(snapshot.State))
                {
                    if (DeploymentOutcome.Succeeded(snapshot.State))
                    {
                        console.Out.WriteLine($"Deployment {deploymentId} is running.");
                        return ExitCodes.Ok;
                    }

                    console.Fail($"deployment {deploymentId} ended {snapshot.State.ToString().ToLowerInvariant()}{(snapshot.Reason is null ? "." : $": {snapshot.Reason}")}");
                    return ExitCodes.Failed;
                }

                await Task.Delay(console.PollInterval, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            console.Fail($"deployment {deploymentId} had not settled after {timeout} (last seen {shown?.ToString().ToLowerInvariant() ?? "unknown"}); it goes on without the CLI.");
            return ExitCodes.TimedOut;
        }
    }

    /// <summary>Reads <c>10m</c>, <c>90s</c>, <c>1h</c>, a number of seconds, or <c>hh:mm:ss</c>.</summary>
    public static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        var unit = text[^1];
        var number = char.IsAsciiLetter(unit) ? text[..^1] : text;
        if (!double.TryParse(number, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            return TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out duration) && duration > TimeSpan.Zero;
        }

        var seconds = unit switch
        {
            's' or >= '0' and <= '9' => value,
            'm' => value * 60,
            'h' => value * 3600,
            _ => double.NaN,
        };
        if (double.IsNaN(seconds) || seconds <= 0 || seconds > TimeSpan.FromDays(7).TotalSeconds)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
