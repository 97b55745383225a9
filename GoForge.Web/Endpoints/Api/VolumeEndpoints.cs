using System.Security.Claims;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Volumes;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// An application's persistent volumes through <see cref="AppVolumeService"/> (docs/deployments/volumes.md). A delete
/// names the volume in <c>?confirmName=</c>, as the UI makes the user type it; allowing bind mounts is an administrator's.
/// </summary>
internal static class VolumeEndpoints
{
    public static RouteGroupBuilder MapVolumeEndpoints(this RouteGroupBuilder api)
    {
        var volumes = api.MapGroup("/applications/{applicationId:guid}").WithTags("Volumes");
        volumes.MapGet("/volumes", ListAsync).RequireScope(ApiScope.Read).WithSummary("An application's volumes with their size on the engine");
        volumes.MapPost("/volumes", AddAsync).RequireScope(ApiScope.Write).WithSummary("Add a named volume (or, where an administrator allows, a bind mount); mounted from the next deploy");
        volumes.MapDelete("/volumes/{volumeId:guid}", DeleteAsync).RequireScope(ApiScope.Write).WithSummary("Delete a volume and its data; ?confirmName= must be its name");
        volumes.MapPut("/bind-mounts", SetBindMountsAsync).RequireScope(ApiScope.Admin).WithSummary("Allow or refuse bind mounts to host folders for the application (administrators)");
        return api;
    }

    private static async Task<Results<Ok<VolumeListResponse>, ProblemHttpResult>> ListAsync(
        Guid applicationId, ClaimsPrincipal user, AppVolumeService volumes, CancellationToken ct)
    {
        var listed = await volumes.ListAsync(user.ToApiActor(), applicationId, withSizes: true, ct);
        return listed.IsSuccess
            ? TypedResults.Ok(new VolumeListResponse(listed.Value.Volumes.Select(VolumeResponse.From).ToList(), listed.Value.BindMountsAllowed))
            : ApiResults.Problem(listed.Error);
    }

    private static async Task<Results<Created<VolumeResponse>, ProblemHttpResult>> AddAsync(
        Guid applicationId, VolumeRequest body, ClaimsPrincipal user, AppVolumeService volumes, CancellationToken ct)
    {
        var added = await volumes.AddAsync(user.ToApiActor(), applicationId, new AppVolumeInput { Name = body.Name, MountPath = body.MountPath, HostPath = body.HostPath }, ct);
        return added.IsSuccess
            ? TypedResults.Created($"{ApiEndpoints.Prefix}/applications/{applicationId}/volumes/{added.Value.Id}",
                VolumeResponse.From(new AppVolumeView(added.Value, added.Value.Kind == AppVolumeKind.Volume ? Core.Containers.EngineNames.AppVolume(added.Value.Id, added.Value.Name) : null, null)))
            : ApiResults.Problem(added.Error);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid applicationId, Guid volumeId, string? confirmName, ClaimsPrincipal user, AppVolumeService volumes, CancellationToken ct)
    {
        var actor = user.ToApiActor();
        // The volume is addressed under its application: another application's volume id is not found here.
        var listed = await volumes.ListAsync(actor, applicationId, withSizes: false, ct);
        if (!listed.IsSuccess)
        {
            return ApiResults.Problem(listed.Error);
        }

        if (listed.Value.Volumes.All(v => v.Volume.Id != volumeId))
        {
            return ApiResults.Problem(Core.Projects.ProjectAccess.NotFound("volume"));
        }

        var result = await volumes.DeleteAsync(actor, volumeId, confirmName, ct);
        return result.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(result.Error!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SetBindMountsAsync(
        Guid applicationId, BindMountsRequest body, ClaimsPrincipal user, AppVolumeService volumes, CancellationToken ct)
    {
        var result = await volumes.SetBindMountsAllowedAsync(user.ToApiActor(), applicationId, body.Allowed, ct);
        return result.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(result.Error!);
    }
}

/// <param name="HostPath">Empty for a named volume; a host folder for a bind mount (only where an administrator allows them).</param>
public sealed record VolumeRequest(string? Name, string? MountPath, string? HostPath);

public sealed record BindMountsRequest(bool Allowed);

/// <param name="Kind"><c>volume</c> or <c>bind</c>.</param>
/// <param name="EngineName">The engine volume's name (<c>goforge-appvol-…</c>); null for a bind mount.</param>
/// <param name="SizeBytes">The engine's figure from <c>/system/df</c>; null when unknown (a bind mount, or before the first deploy creates it).</param>
public sealed record VolumeResponse(Guid Id, string Name, string MountPath, string Kind, string? HostPath, string? EngineName, long? SizeBytes, DateTimeOffset CreatedAt)
{
    public static VolumeResponse From(AppVolumeView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var v = view.Volume;
        return new VolumeResponse(v.Id, v.Name, v.MountPath, v.Kind == AppVolumeKind.Bind ? "bind" : "volume", v.HostPath, view.EngineName, view.SizeBytes, v.CreatedAt);
    }
}

public sealed record VolumeListResponse(IReadOnlyList<VolumeResponse> Items, bool BindMountsAllowed);
