using System.Net;
using System.Text.Json;

namespace GoForge.Tests.Operations;

/// <summary>One answer of <c>/healthz</c> or <c>/readyz</c>: the HTTP status and each check's status by name.</summary>
internal sealed record HealthProbe(HttpStatusCode Code, string Status, IReadOnlyDictionary<string, string> Checks, string Body)
{
    public static async Task<HealthProbe> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        var checks = json.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString()!, StringComparer.Ordinal);
        return new HealthProbe(response.StatusCode, json.RootElement.GetProperty("status").GetString()!, checks, body);
    }
}
