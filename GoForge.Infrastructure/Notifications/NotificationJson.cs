using System.Text.Json;
using System.Text.Json.Serialization;
using GoForge.Core.Notifications;

namespace GoForge.Infrastructure.Notifications;

/// <summary>How channels' settings and secrets, and events' facts, are stored (JSON; enums by name).</summary>
internal static class NotificationJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static string ToDb(this ChannelKind kind) => kind switch
    {
        ChannelKind.Webhook => "webhook",
        ChannelKind.Slack => "slack",
        ChannelKind.Discord => "discord",
        ChannelKind.Email => "email",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static ChannelKind ToChannelKind(string value) => value switch
    {
        "webhook" => ChannelKind.Webhook,
        "slack" => ChannelKind.Slack,
        "discord" => ChannelKind.Discord,
        "email" => ChannelKind.Email,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown channel kind in the database."),
    };

    public static string ToDb(this DeliveryStatus status) => status.ToString().ToLowerInvariant();

    public static DeliveryStatus ToStatus(string value) => Enum.Parse<DeliveryStatus>(value, ignoreCase: true);

    public static NotificationKind ToKind(string value) => Enum.Parse<NotificationKind>(value, ignoreCase: false);

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new JsonException($"Stored {typeof(T).Name} is empty.");
}
