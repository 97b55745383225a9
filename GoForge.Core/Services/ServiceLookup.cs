using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;

namespace GoForge.Core.Services;

/// <summary>
/// A service as the acting user may reach it: "not found" when it does not exist or the user is no member of its project
/// (a guessed id of another project looks like no service at all), "forbidden" when the role does not allow the action.
/// </summary>
public static class ServiceLookup
{
    public const string What = "service";

    public static async Task<Result<ServiceInstance>> FindAsync(
        IServiceInstanceRepository instances, ProjectAccess access, Actor actor, Guid serviceId, ProjectAction action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(instances);
        ArgumentNullException.ThrowIfNull(access);
        var instance = await instances.GetAsync(serviceId, ct);
        if (instance is null)
        {
            return ProjectAccess.NotFound(What);
        }

        var allowed = await access.CheckAsync(actor, instance.ProjectId, action, What, ct);
        return allowed.IsSuccess ? instance : allowed.Error;
    }
}
