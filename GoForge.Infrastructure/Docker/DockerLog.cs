using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Docker;

/// <summary>Docker adapter logs. Ids are shortened to 12 characters; environment values are never logged.</summary>
internal static partial class DockerLog
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Building image {Tag} from {Dockerfile}")]
    public static partial void ImageBuilding(this ILogger logger, string tag, string dockerfile);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Built image {Tag} ({ImageId})")]
    public static partial void ImageBuilt(this ILogger logger, string tag, ShortId imageId);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Building image {Tag} failed: {Error}")]
    public static partial void ImageBuildFailed(this ILogger logger, string tag, string error);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Building image {Tag} was cancelled")]
    public static partial void ImageBuildCanceled(this ILogger logger, string tag);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Removed image {Tag}")]
    public static partial void ImageRemoved(this ILogger logger, string tag);

    [LoggerMessage(EventId = 1210, Level = LogLevel.Information, Message = "Created network {Network} ({NetworkId})")]
    public static partial void NetworkCreated(this ILogger logger, string network, ShortId networkId);

    [LoggerMessage(EventId = 1215, Level = LogLevel.Information, Message = "Removed network {NetworkId}")]
    public static partial void NetworkRemoved(this ILogger logger, ShortId networkId);

    [LoggerMessage(EventId = 1211, Level = LogLevel.Information, Message = "Started container {Name} ({ContainerId}) from {Image} on {Network}")]
    public static partial void ContainerStarted(this ILogger logger, string name, ShortId containerId, string image, string network);

    [LoggerMessage(EventId = 1212, Level = LogLevel.Information, Message = "Container {ContainerId} is healthy: {Reason}")]
    public static partial void ContainerHealthy(this ILogger logger, ShortId containerId, string reason);

    [LoggerMessage(EventId = 1213, Level = LogLevel.Warning, Message = "Container {ContainerId} is unhealthy: {Reason}")]
    public static partial void ContainerUnhealthy(this ILogger logger, ShortId containerId, string reason);

    [LoggerMessage(EventId = 1214, Level = LogLevel.Information, Message = "Removed container {ContainerId}")]
    public static partial void ContainerRemoved(this ILogger logger, ShortId containerId);

    [LoggerMessage(EventId = 1220, Level = LogLevel.Information, Message = "Pulling image {Image}")]
    public static partial void ImagePulling(this ILogger logger, string image);

    [LoggerMessage(EventId = 1221, Level = LogLevel.Information, Message = "Pulled image {Image}")]
    public static partial void ImagePulled(this ILogger logger, string image);

    [LoggerMessage(EventId = 1222, Level = LogLevel.Information, Message = "Created volume {Volume}")]
    public static partial void VolumeCreated(this ILogger logger, string volume);

    [LoggerMessage(EventId = 1223, Level = LogLevel.Information, Message = "Removed volume {Volume}")]
    public static partial void VolumeRemoved(this ILogger logger, string volume);

    [LoggerMessage(EventId = 1290, Level = LogLevel.Warning, Message = "Refused to run image {Image}: it carries the reserved label {Label}")]
    public static partial void ImageLabelRefused(this ILogger logger, string image, string label);
}

/// <summary>An engine id as logged: without its <c>sha256:</c> prefix, 12 characters, like the docker CLI.</summary>
internal readonly record struct ShortId(string Value)
{
    public override string ToString()
    {
        var id = Value.StartsWith("sha256:", StringComparison.Ordinal) ? Value[7..] : Value;
        return id.Length > 12 ? id[..12] : id;
    }

    public static implicit operator ShortId(string value) => new(value);
}
