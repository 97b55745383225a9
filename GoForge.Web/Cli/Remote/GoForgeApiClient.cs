using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using GoForge.Core.Common;

namespace GoForge.Web.Cli.Remote;

/// <summary>A deployment as <c>/api/v1</c> returns it (camelCase JSON); only the fields the CLI shows.</summary>
internal sealed record RemoteDeployment(Guid Id, Guid ApplicationId, string State, string? Reason, string? CommitSha, DateTimeOffset? UpdatedAt);

internal sealed record RemoteProject(Guid Id, string Name, string Slug);

/// <summary>A service operation as <c>/api/v1</c> returns it.</summary>
internal sealed record RemoteServiceOperation(Guid Id, Guid ServiceId, string Kind, string State, string? Outcome);

/// <summary>
/// The few <c>/api/v1</c> endpoints the CLI's remote mode calls, with the token as <c>Authorization: Bearer</c>.
/// Expected failures (RFC 9457 problem details or a bare status) become Core <see cref="Error"/>s, so the exit codes
/// match the local mode.
/// </summary>
internal sealed class GoForgeApiClient(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Result<RemoteDeployment>> QueueDeploymentAsync(Guid applicationId, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"api/v1/applications/{applicationId}/deployments", new { }, Json, ct);
        return await ReadAsync<RemoteDeployment>(response, ct);
    }

    public async Task<Result<RemoteDeployment>> GetDeploymentAsync(Guid deploymentId, CancellationToken ct)
    {
        using var response = await http.GetAsync($"api/v1/deployments/{deploymentId}", ct);
        return await ReadAsync<RemoteDeployment>(response, ct);
    }

    /// <summary>Queues start, stop, restart or delete of a service, or cancels its operation; answers the operation (202).</summary>
    public async Task<Result<ServiceOperationSnapshot>> QueueServiceOperationAsync(Guid serviceId, string verb, bool keepVolumes, CancellationToken ct)
    {
        using var response = verb == "delete"
            ? await http.DeleteAsync($"api/v1/services/{serviceId}?keepVolumes={(keepVolumes ? "true" : "false")}", ct)
            : await http.PostAsJsonAsync($"api/v1/services/{serviceId}/{verb}", new { }, Json, ct);
        return ToSnapshot(await ReadAsync<RemoteServiceOperation>(response, ct));
    }

    public async Task<Result<ServiceOperationSnapshot>> GetServiceOperationAsync(Guid serviceId, Guid operationId, CancellationToken ct)
    {
        using var response = await http.GetAsync($"api/v1/services/{serviceId}/operations/{operationId}", ct);
        return ToSnapshot(await ReadAsync<RemoteServiceOperation>(response, ct));
    }

    private static Result<ServiceOperationSnapshot> ToSnapshot(Result<RemoteServiceOperation> read) => read.IsSuccess
        ? new ServiceOperationSnapshot(read.Value!.Id, read.Value.ServiceId, read.Value.Kind, read.Value.State, read.Value.Outcome)
        : read.Error!;

    /// <summary>Accepts a bare array or a page object with <c>items</c> (the first page only).</summary>
    public async Task<Result<IReadOnlyList<RemoteProject>>> ListProjectsAsync(CancellationToken ct)
    {
        using var response = await http.GetAsync("api/v1/projects", ct);
        var read = await ReadAsync<JsonElement>(response, ct);
        if (!read.IsSuccess)
        {
            return read.Error!;
        }

        var items = read.Value.ValueKind == JsonValueKind.Array ? read.Value
            : read.Value.ValueKind == JsonValueKind.Object && read.Value.TryGetProperty("items", out var page) ? page
            : throw new HttpRequestException("GET /api/v1/projects answered neither a list nor a page with items.");
        return Result<IReadOnlyList<RemoteProject>>.Ok(items.Deserialize<List<RemoteProject>>(Json) ?? []);
    }

    private static async Task<Result<T>> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            var value = await response.Content.ReadFromJsonAsync<T>(Json, ct);
            return value is null ? throw new HttpRequestException($"{response.RequestMessage?.RequestUri?.AbsolutePath} answered an empty body.") : value;
        }

        var message = await ProblemMessageAsync(response, ct);
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => Error.Unauthorized($"The server refused the token: {message}"),
            HttpStatusCode.Forbidden => Error.Forbidden($"The token may not do this: {message}"),
            HttpStatusCode.NotFound => Error.NotFound(message),
            HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => Error.Validation("Request", message),
            HttpStatusCode.Conflict => Error.Conflict(message),
            HttpStatusCode.TooManyRequests => Error.TooManyRequests(message),
            _ => throw new HttpRequestException($"{(int)response.StatusCode} {response.ReasonPhrase}: {message}", null, response.StatusCode),
        };
    }

    private static async Task<string> ProblemMessageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<Problem>(Json, ct);
            var text = problem?.Detail ?? problem?.Title;
            if (!string.IsNullOrWhiteSpace(text))
            {
                return text;
            }
        }
        catch (JsonException)
        {
            // Not a problem document: the status says enough.
        }

        return $"{(int)response.StatusCode} {response.ReasonPhrase}";
    }

    private sealed record Problem([property: JsonPropertyName("title")] string? Title, [property: JsonPropertyName("detail")] string? Detail);
}
