using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;

namespace GoForge.Core.Notifications;

/// <summary>
/// Channels as people manage them. Admin-wide channels are for administrators only; a project's channels for the
/// project's maintainers (<see cref="ProjectAccess"/>, <see cref="ProjectAction.Manage"/>). A channel the actor may not
/// reach answers exactly like one that does not exist, so ids of other projects cannot be probed.
/// </summary>
public sealed class NotificationChannelService(
    INotificationChannelRepository channels,
    INotificationDeliveries queue,
    NotificationPublisher publisher,
    ProjectAccess access,
    TimeProvider time)
{
    private const string What = "notification channel";

    /// <summary>Rows of a channel's delivery log shown at most.</summary>
    public const int LogLength = 50;

    /// <summary>The project's channels, or the admin-wide ones when <paramref name="projectId"/> is null.</summary>
    public async Task<Result<IReadOnlyList<NotificationChannel>>> ListAsync(Actor actor, Guid? projectId, CancellationToken ct = default)
    {
        if (await CheckScopeAsync(actor, projectId, ct) is { } refused)
        {
            return refused;
        }

        return Result<IReadOnlyList<NotificationChannel>>.Ok(await channels.ListAsync(projectId, ct));
    }

    public async Task<Result<NotificationChannel>> GetAsync(Actor actor, Guid channelId, CancellationToken ct = default) =>
        await FindAsync(actor, channelId, ct);

    public async Task<Result<NotificationChannel>> CreateAsync(Actor actor, Guid? projectId, ChannelInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (await CheckScopeAsync(actor, projectId, ct) is { } refused)
        {
            return refused;
        }

        var valid = ChannelRules.Validate(input, projectId, null, null, Guid.NewGuid(), time.GetUtcNow());
        if (!valid.IsSuccess)
        {
            return valid.Error;
        }

        await channels.CreateAsync(valid.Value.Channel, valid.Value.Secrets!, ct);
        return valid.Value.Channel;
    }

    /// <summary>Changes the channel; a secret left empty keeps the stored one.</summary>
    public async Task<Result<NotificationChannel>> UpdateAsync(Actor actor, Guid channelId, ChannelInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var found = await FindAsync(actor, channelId, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var stored = await channels.GetSecretsAsync(channelId, ct) ?? ChannelSecrets.None;
        var valid = ChannelRules.Validate(input, found.Value.ProjectId, found.Value, stored, channelId, time.GetUtcNow());
        if (!valid.IsSuccess)
        {
            return valid.Error;
        }

        return await channels.UpdateAsync(valid.Value.Channel, valid.Value.Secrets, ct) ? valid.Value.Channel : ProjectAccess.NotFound(What);
    }

    public async Task<Result> DeleteAsync(Actor actor, Guid channelId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, channelId, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        return await channels.DeleteAsync(channelId, ct) ? Result.Success : ProjectAccess.NotFound(What);
    }

    /// <summary>Queues a test notification to this channel alone; the delivery log shows how it went.</summary>
    public async Task<Result> SendTestAsync(Actor actor, Guid channelId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var found = await FindAsync(actor, channelId, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var test = new NotificationEvent(
            NotificationKind.Test,
            found.Value.ProjectId,
            channelId,
            "GoForge test notification",
            $"{actor.Login} sent this test from the channel \"{found.Value.Name}\". If you read it, the channel works.",
            new Dictionary<string, string> { ["Channel"] = found.Value.Name, ["Sent by"] = actor.Login },
            time.GetUtcNow());
        var pending = await publisher.PublishToAsync(channelId, test, ct);
        return pending > 0 ? Result.Success : Error.TooManyRequests("The channel's rate limit held this test back; the delivery log shows it as suppressed.");
    }

    /// <summary>The channel's latest deliveries, newest first.</summary>
    public async Task<Result<IReadOnlyList<DeliveryLogEntry>>> ListDeliveriesAsync(Actor actor, Guid channelId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, channelId, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        return Result<IReadOnlyList<DeliveryLogEntry>>.Ok(await queue.ListLogAsync(channelId, LogLength, ct));
    }

    private async Task<Result<NotificationChannel>> FindAsync(Actor actor, Guid channelId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var channel = await channels.GetAsync(channelId, ct);
        if (channel is null)
        {
            return ProjectAccess.NotFound(What);
        }

        if (channel.ProjectId is null)
        {
            return IsPanelAdmin(actor) ? channel : ProjectAccess.NotFound(What);
        }

        var role = await access.CheckAsync(actor, channel.ProjectId.Value, ProjectAction.Manage, What, ct);
        return role.IsSuccess ? channel : role.Error;
    }

    private async Task<Error?> CheckScopeAsync(Actor actor, Guid? projectId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (projectId is null)
        {
            return IsPanelAdmin(actor) ? null : Error.Forbidden("Only administrators manage the panel's notification channels.");
        }

        var role = await access.CheckAsync(actor, projectId.Value, ProjectAction.Manage, ct: ct);
        return role.IsSuccess ? null : role.Error;
    }

    // A project-restricted API token acts for one project only, even an administrator's.
    private static bool IsPanelAdmin(Actor actor) => actor.IsAdmin && actor.ProjectRestriction is null;
}
