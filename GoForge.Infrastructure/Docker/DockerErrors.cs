using System.Net;
using System.Text.Json;
using Docker.DotNet;

namespace GoForge.Infrastructure.Docker;

internal static class DockerErrors
{
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
