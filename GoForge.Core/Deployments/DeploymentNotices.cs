using GoForge.Core.Notifications;
using GoForge.Core.Projects;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Deployments;

/// <summary>
/// Tells the operators how a deployment ended (failed, running, canceled), through <see cref="INotifications"/> with
/// the application's project. Called by <see cref="DeploymentStates"/> once the state is recorded; it never fails the transition.
/// </summary>
public sealed class DeploymentNotices(IApplicationRepository applications, INotifications notifications, TimeProvider time, ILogger<DeploymentNotices> logger)
{
    public static NotificationKind? KindOf(DeploymentState state) => state switch
    {
        DeploymentState.Failed => NotificationKind.DeploymentFailed,
        DeploymentState.Running => NotificationKind.DeploymentSucceeded,
        DeploymentState.Canceled => NotificationKind.DeploymentCanceled,
        _ => null,
    };

    public async Task RecordedAsync(Deployment deployment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (KindOf(deployment.State) is not { } kind)
        {
            return;
        }

        try
        {
            var app = await applications.GetAsync(deployment.ApplicationId, ct);
            if (app is null)
            {
                return;
            }

            var outcome = kind switch
            {
                NotificationKind.DeploymentFailed => "failed",
                NotificationKind.DeploymentCanceled => "was canceled",
                _ => "succeeded",
            };
            var facts = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Application"] = app.Name,
                ["Deployment"] = deployment.Id.ToString(),
                ["Source"] = deployment.Source.ToString().ToLowerInvariant(),
            };
            // A pull request preview's deployment says so: it is not the application's own release.
            var what = deployment.PreviewId is null ? app.Name : $"a pull request preview of {app.Name}";
            if (deployment.PreviewId is { } preview)
            {
                facts["Preview"] = preview.ToString();
            }

            if (deployment.CommitSha is { Length: > 0 } sha)
            {
                facts["Commit"] = sha.Length > 12 ? sha[..12] : sha;
            }

            await notifications.PublishAsync(new NotificationEvent(
                kind,
                app.ProjectId,
                deployment.Id,
                $"Deployment of {what} {outcome}",
                deployment.Reason ?? string.Empty,
                facts,
                time.GetUtcNow()), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.SourceFailed(kind, deployment.Id, e);
        }
    }
}
