using System.Text.Json;
using Docker.DotNet;
using GoForge.Core.Monitoring;
using GoForge.Infrastructure.Docker;

namespace GoForge.Infrastructure.Monitoring;

/// <summary>Which failures mean "the engine is not there (any more)", and how they reach Core.</summary>
internal static class EngineFailure
{
    /// <summary>
    /// The transport broke (refused, reset, a stream cut mid-message) or the engine answered with an error. Cancellation
    /// is never one of them: the caller asked for it.
    /// </summary>
    public static bool IsEngineFailure(Exception e) => e is DockerApiException or JsonException || DockerErrors.IsUnreachable(e);

    public static EngineUnavailableException ToUnavailable(Exception e) => e switch
    {
        EngineUnavailableException already => already,
        DockerApiException api => new EngineUnavailableException(api.EngineMessage(), api),
        AggregateException { InnerExceptions.Count: 1 } aggregate => new EngineUnavailableException(
            $"The Docker engine could not be reached: {aggregate.InnerExceptions[0].Message}", e),
        _ => new EngineUnavailableException($"The Docker engine could not be reached: {e.Message}", e),
    };
}
