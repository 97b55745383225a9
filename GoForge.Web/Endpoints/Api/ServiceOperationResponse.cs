using GoForge.Core.Services;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// One queued service operation (docs/api.md#service-operations): what was asked, where it is, and how it ended. Its
/// URL is the <c>Location</c> of every 202 a service action answers.
/// </summary>
public sealed record ServiceOperationResponse(
    Guid Id, Guid ServiceId, ServiceOperationKind Kind, ServiceOperationState State, string? Version, string? Outcome,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt)
{
    public static ServiceOperationResponse From(ServiceOperation o) =>
        new(o.Id, o.ServiceId, o.Kind, o.State, o.Version, o.Outcome, o.CreatedAt, o.StartedAt, o.EndedAt);

    public static string LocationOf(ServiceOperation o) => $"{ApiEndpoints.Prefix}/services/{o.ServiceId}/operations/{o.Id}";
}
