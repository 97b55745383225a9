using GoForge.Core.Servers;
using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Docker.Swarm;

/// <summary>Logs of the Swarm services adapter: names and short ids, never environment values.</summary>
internal static partial class SwarmServicesLog
{
    [LoggerMessage(EventId = 7620, Level = LogLevel.Information, Message = "Created Swarm service {Service} ({ServiceId}) from {Image}, {Replicas} replicas")]
    public static partial void ServiceCreated(this ILogger logger, string service, ShortId serviceId, string image, int replicas);

    [LoggerMessage(EventId = 7621, Level = LogLevel.Information, Message = "Updating Swarm service {Service} ({ServiceId}) at version {Version} to {Image}, {Replicas} replicas")]
    public static partial void ServiceUpdating(this ILogger logger, string service, ShortId serviceId, ulong version, string image, int replicas);

    [LoggerMessage(EventId = 7622, Level = LogLevel.Information, Message = "Removed Swarm service {Service} ({ServiceId})")]
    public static partial void ServiceRemoved(this ILogger logger, string service, ShortId serviceId);

    [LoggerMessage(EventId = 7623, Level = LogLevel.Warning, Message = "Refused Swarm {What} {Name}: it exists without GoForge's owner labels")]
    public static partial void NotOwned(this ILogger logger, string what, string name);

    [LoggerMessage(EventId = 7624, Level = LogLevel.Information, Message = "Rollout of Swarm service {ServiceId} ended {Status}: {Reason}")]
    public static partial void RolloutEnded(this ILogger logger, ShortId serviceId, SwarmRolloutStatus status, string? reason);

    [LoggerMessage(EventId = 7625, Level = LogLevel.Information, Message = "Created overlay network {Network} ({NetworkId}), encrypted: {Encrypted}")]
    public static partial void NetworkCreated(this ILogger logger, string network, ShortId networkId, bool encrypted);

    [LoggerMessage(EventId = 7626, Level = LogLevel.Warning, Message = "Overlay network {Network} is kept as it is (encrypted: {Actual}); encryption is fixed when a network is created, so {Asked} needs the network removed and made again")]
    public static partial void NetworkEncryptionKept(this ILogger logger, string network, bool actual, bool asked);
}
