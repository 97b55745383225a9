using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Docker.DotNet;
using GoForge.Core.Containers;

namespace GoForge.Infrastructure.Docker;

/// <summary>
/// The one translator of Docker.DotNet's failures into what Core sees: <see cref="EngineException"/> with the engine's
/// own message (or "The Docker engine is not reachable: …" when no answer came at all).
/// </summary>
internal static class DockerErrors
{
    /// <summary>
    /// The engine's socket refused, reset or timed out: no answer from Docker at all. Docker.DotNet's TCP transport
    /// reports a refused connection wrapped in an <see cref="AggregateException"/>.
    /// </summary>
    public static bool IsUnreachable(Exception e) => e switch
    {
        HttpRequestException or IOException or SocketException or TimeoutException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnreachable),
        _ => false,
    };

    /// <summary>
    /// Runs an engine call so that an unreachable engine surfaces as the port's own exception (made by
    /// <paramref name="failure"/>), which Core records as the reason, instead of a transport exception nobody expects.
    /// </summary>
    public static async Task<T> GuardAsync<T>(Task<T> call, Func<string, Exception, Exception> failure)
    {
        try
        {
            return await call;
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            throw failure(Unreachable(e), e);
        }
    }

    /// <inheritdoc cref="GuardAsync{T}(Task{T}, Func{string, Exception, Exception})"/>
    public static async Task GuardAsync(Task call, Func<string, Exception, Exception> failure)
    {
        try
        {
            await call;
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            throw failure(Unreachable(e), e);
        }
    }

    /// <summary>
    /// The transport broke (refused, reset, a stream cut mid-message) or the engine answered with an error. Cancellation
    /// is never one of them: the caller asked for it.
    /// </summary>
    public static bool IsEngineFailure(Exception e) => e is DockerApiException or JsonException || IsUnreachable(e);

    /// <summary>An engine failure (<see cref="IsEngineFailure"/>) as Core's <see cref="EngineException"/>.</summary>
    public static EngineException ToEngineException(Exception e) => e switch
    {
        EngineException already => already,
        DockerApiException api => new EngineException(api.EngineMessage(), api),
        _ => new EngineException(Unreachable(e), e),
    };

    private static string Unreachable(Exception e) =>
        $"The Docker engine is not reachable: {(e is AggregateException { InnerExceptions.Count: 1 } one ? one.InnerExceptions[0].Message : e.Message)}";

    public static bool IsNotFound(this DockerApiException e) => e.StatusCode == HttpStatusCode.NotFound;

    /// <summary>The engine's own message (its body is <c>{"message": "..."}</c>), else the raw body.</summary>
    public static string EngineMessage(this DockerApiException e)
    {
        var body = e.ResponseBody;
        if (string.IsNullOrWhiteSpace(body))
        {
            return e.Message;
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("message", out var message)
                && message.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the body itself is the message.
        }

        return body.Trim();
    }
}
