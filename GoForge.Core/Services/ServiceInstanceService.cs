using GoForge.Core.Auditing;
using GoForge.Core.Catalog;
using GoForge.Core.Common;
using GoForge.Core.Containers;
using GoForge.Core.Identity;
using GoForge.Core.Projects;

namespace GoForge.Core.Services;

/// <summary>A template's inputs as first offered (generated credentials, defaults), editable before creation.</summary>
public sealed record ServicePreview(ServiceTemplate Template, string Version, IReadOnlyDictionary<string, string> Inputs);

/// <summary>
/// Services run from catalog templates (docs/decisions/services.md): what people read (the list, a service, its
/// connection, its credentials) and the links into applications; viewers read, maintainers change, revealing
/// credentials needs <see cref="ProjectAction.RevealSecrets"/>; a service of another project answers "not found".
/// Lifecycle actions are queued through <see cref="ServiceCommands"/> and worked by the <see cref="ServiceWorker"/>;
/// the methods here queue one and follow it to its end (the panel's pages do that), answering the service as it ended.
/// </summary>
public sealed class ServiceInstanceService(
    IServiceInstanceRepository instances,
    IEnvironmentRepository environments,
    ProjectAccess access,
    ApplicationService applications,
    VariableService variables,
    CatalogService catalog,
    ServiceCommands commands,
    IAuditLog audit,
    TimeProvider time)
{
    /// <summary>How long an image pull may take before the service is Failed with the reason (a stalled registry).</summary>
    public static readonly TimeSpan PullTimeout = ServiceRunner.PullTimeout;

    private const string What = "service";

    /// <summary>Fresh inputs for a template: generated ones from the cryptographic source, the rest their defaults.</summary>
    public async Task<Result<ServicePreview>> PreviewAsync(string? templateId, string? version = null, CancellationToken ct = default)
    {
        var template = await catalog.GetAsync(templateId, ct);
        if (!template.IsSuccess)
        {
            return template.Error;
        }

        var chosen = version ?? template.Value.DefaultVersion;
        return template.Value.Versions.Contains(chosen, StringComparer.Ordinal)
            ? new ServicePreview(template.Value, chosen, ServiceRenderer.NewInputs(template.Value))
            : Error.Validation("Version", $"'{chosen}' is not offered for {template.Value.Name} ({string.Join(", ", template.Value.Versions)}).");
    }

    public async Task<Result<IReadOnlyList<ServiceInstance>>> ListAsync(Actor actor, Guid environmentId, CancellationToken ct = default)
    {
        var environment = await environments.GetAsync(environmentId, ct);
        if (environment is null)
        {
            return ProjectAccess.NotFound("environment");
        }

        var allowed = await access.CheckAsync(actor, environment.ProjectId, ProjectAction.View, "environment", ct);
        return allowed.IsSuccess ? Result<IReadOnlyList<ServiceInstance>>.Ok(await instances.ListByEnvironmentAsync(environmentId, ct)) : allowed.Error;
    }

    /// <summary>A name for a new service of <paramref name="template"/>: its id, or with -2, -3… when the environment has one of that slug.</summary>
    public async Task<Result<string>> SuggestNameAsync(Actor actor, Guid environmentId, ServiceTemplate template, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(template);
        var listed = await ListAsync(actor, environmentId, ct);
        if (!listed.IsSuccess)
        {
            return listed.Error;
        }

        var taken = listed.Value.Select(s => s.Slug).ToHashSet(StringComparer.Ordinal);
        var name = template.Id;
        for (var n = 2; taken.Contains(ProjectInputRules.Slugify(name)); n++)
        {
            name = $"{template.Id}-{n}";
        }

        return name;
    }

    public Task<Result<ServiceInstance>> GetAsync(Actor actor, Guid serviceId, CancellationToken ct = default) =>
        FindAsync(actor, serviceId, ProjectAction.View, ct);

    /// <summary>Host name, port and outputs for other apps of the environment; secret outputs are null until revealed.</summary>
    public async Task<Result<ServiceConnection>> ConnectionAsync(Actor actor, Guid serviceId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, serviceId, ProjectAction.View, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var rendered = await RenderAsync(found.Value, found.Value.Version, ct);
        if (!rendered.IsSuccess)
        {
            return rendered.Error;
        }

        var (template, service) = rendered.Value;
        return new ServiceConnection(found.Value.Host, template.MainPort.Port,
            service.Outputs.Select(o => new ServiceOutputValue(o.Name, o.Label, o.Secret ? null : o.Value, o.Secret)).ToList());
    }

    /// <summary>The stored inputs and every output (connection strings with their passwords) in plain text; audited.</summary>
    public async Task<Result<ServiceSecrets>> RevealAsync(Actor actor, Guid serviceId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, serviceId, ProjectAction.RevealSecrets, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var rendered = await RenderAsync(found.Value, found.Value.Version, ct);
        if (!rendered.IsSuccess)
        {
            return rendered.Error;
        }

        var (inputs, _) = await instances.GetInputsAsync(serviceId, ct);
        await audit.RecordAsync(time, actor, found.Value.ProjectId, AuditActions.ServiceCredentialsRevealed, Target(found.Value), ct: ct);
        return new ServiceSecrets(inputs, rendered.Value.Service.Outputs.Select(o => new ServiceOutputValue(o.Name, o.Label, o.Value, o.Secret)).ToList());
    }

    /// <summary>
    /// Queues the creation (see <see cref="ServiceCommands.CreateAsync"/>) and follows it: the result is the instance as
    /// it ended, Running, or Failed with the reason (a pull failure leaves no container and no volume). Errors are only
    /// for refused input or access. <paramref name="ct"/> stops following, not the work: cancel with <see cref="ServiceCommands.CancelAsync"/>.
    /// </summary>
    public async Task<Result<ServiceInstance>> CreateAsync(Actor actor, Guid environmentId, ServiceInstanceInput input,
        IProgress<ImagePullProgress>? progress = null, CancellationToken ct = default) =>
        await FollowAsync(await commands.CreateAsync(actor, environmentId, input, progress, ct), ct);

    public async Task<Result<ServiceInstance>> StartAsync(Actor actor, Guid serviceId, CancellationToken ct = default) =>
        await FollowAsync(await commands.StartAsync(actor, serviceId, null, ct), ct);

    public async Task<Result<ServiceInstance>> StopAsync(Actor actor, Guid serviceId, CancellationToken ct = default) =>
        await FollowAsync(await commands.StopAsync(actor, serviceId, ct), ct);

    public async Task<Result<ServiceInstance>> RestartAsync(Actor actor, Guid serviceId, CancellationToken ct = default) =>
        await FollowAsync(await commands.RestartAsync(actor, serviceId, null, ct), ct);

    /// <summary>Queues a version change (see <see cref="ServiceCommands.ChangeVersionAsync"/>) and follows it to its end.</summary>
    public async Task<Result<ServiceInstance>> ChangeVersionAsync(Actor actor, Guid serviceId, string? version,
        IProgress<ImagePullProgress>? progress = null, CancellationToken ct = default) =>
        await FollowAsync(await commands.ChangeVersionAsync(actor, serviceId, version, progress, ct), ct);

    /// <summary>Queues removing the container and the row (the volumes too unless <paramref name="keepVolumes"/>) and follows it.</summary>
    public async Task<Result> DeleteAsync(Actor actor, Guid serviceId, bool keepVolumes = true, CancellationToken ct = default)
    {
        var queued = await commands.DeleteAsync(actor, serviceId, keepVolumes, ct);
        if (!queued.IsSuccess)
        {
            return queued.Error;
        }

        var ended = await commands.WaitAsync(queued.Value, Timeout.InfiniteTimeSpan, ct);
        return ended.State == ServiceOperationState.Succeeded ? Result.Success : Error.Conflict(ended.Outcome ?? "The service could not be removed.");
    }

    /// <summary>
    /// Writes the service's output <paramref name="outputName"/> (its connection string) as a secret variable
    /// <paramref name="variableKey"/> of an application in the same environment, encrypted like every variable.
    /// </summary>
    public async Task<Result> LinkAsync(Actor actor, Guid serviceId, string? outputName, Guid applicationId, string? variableKey, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, serviceId, ProjectAction.Manage, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var app = await applications.FindAsync(actor, applicationId, ProjectAction.Manage, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        if (app.Value.EnvironmentId != found.Value.EnvironmentId)
        {
            return Error.Validation("ApplicationId", "Only an application in the service's environment can reach it.");
        }

        var rendered = await RenderAsync(found.Value, found.Value.Version, ct);
        if (!rendered.IsSuccess)
        {
            return rendered.Error;
        }

        if (rendered.Value.Service.Outputs.FirstOrDefault(o => o.Name == outputName) is not { } output)
        {
            return Error.Validation("OutputName", $"{rendered.Value.Template.Name} offers {string.Join(", ", rendered.Value.Service.Outputs.Select(o => o.Name))}.");
        }

        var saved = await variables.SetAsync(actor, applicationId, new VariableInput(variableKey, output.Value, IsSecret: true), ct);
        if (!saved.IsSuccess)
        {
            return saved;
        }

        await audit.RecordAsync(time, actor, found.Value.ProjectId, AuditActions.ServiceLinked, Target(found.Value), $"{output.Name} → application:{app.Value.Slug} {variableKey}", ct);
        return Result.Success;
    }

    private async Task<Result<ServiceInstance>> FollowAsync(Result<ServiceOperation> queued, CancellationToken ct)
    {
        if (!queued.IsSuccess)
        {
            return queued.Error;
        }

        var ended = await commands.WaitAsync(queued.Value, Timeout.InfiniteTimeSpan, ct);
        return await instances.GetAsync(ended.ServiceId, ct) is { } instance ? instance : ProjectAccess.NotFound(What);
    }

    private Task<Result<(ServiceTemplate Template, RenderedService Service)>> RenderAsync(ServiceInstance instance, string version, CancellationToken ct) =>
        ServiceCommands.RenderAsync(catalog, instances, instance, version, ct);

    private Task<Result<ServiceInstance>> FindAsync(Actor actor, Guid serviceId, ProjectAction action, CancellationToken ct) =>
        ServiceLookup.FindAsync(instances, access, actor, serviceId, action, ct);

    private static string Target(ServiceInstance instance) => $"service:{instance.Slug}";
}

/// <summary>The labels on a service's container and volumes.</summary>
public static class ServiceLabels
{
    public const string Service = GoForgeLabels.Service;
    public const string Project = GoForgeLabels.Project;
    public const string Environment = GoForgeLabels.Environment;
}
