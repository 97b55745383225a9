using GoForge.Core.Common.Live;
using System.Collections.Concurrent;
using GoForge.Core.Auditing;
using GoForge.Core.Catalog;
using GoForge.Core.Common;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Services;

/// <summary>A template's inputs as first offered (generated credentials, defaults), editable before creation.</summary>
public sealed record ServicePreview(ServiceTemplate Template, string Version, IReadOnlyDictionary<string, string> Inputs);

/// <summary>
/// Services run from catalog templates (docs/decisions/services.md). Viewers read, maintainers change, revealing
/// credentials needs <see cref="ProjectAction.RevealSecrets"/>; a service of another project answers "not found".
/// Every action is audited and ends with the instance's state and reason recorded, so a failure says why.
/// </summary>
public sealed class ServiceInstanceService(
    IServiceInstanceRepository instances,
    IEnvironmentRepository environments,
    IProjectRepository projects,
    ProjectAccess access,
    ApplicationService applications,
    VariableService variables,
    CatalogService catalog,
    IContainerRuntime containers,
    IServiceRuntime runtime,
    IAuditLog audit,
    ChangeFeed<ServiceChange> feed,
    IProxyRoutes proxy,
    IOptions<DeploymentOptions> deploymentOptions,
    TimeProvider time)
{
    /// <summary>How long a started container has to pass its health check.</summary>
    public static readonly TimeSpan HealthTimeout = TimeSpan.FromMinutes(2);

    /// <summary>How long an image pull may take before the service is Failed with the reason (a stalled registry).</summary>
    public static readonly TimeSpan PullTimeout = TimeSpan.FromMinutes(30);

    private const string What = "service";
    private readonly ConcurrentDictionary<Guid, byte> _busy = new();

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
        await audit.RecordAsync(time, actor, AuditActions.ServiceCredentialsRevealed, Target(found.Value), ct: ct);
        return new ServiceSecrets(inputs, rendered.Value.Service.Outputs.Select(o => new ServiceOutputValue(o.Name, o.Label, o.Value, o.Secret)).ToList());
    }

    /// <summary>
    /// Validates everything, stores the instance (state Creating, inputs encrypted), then pulls the image if missing,
    /// creates the volumes and starts the container. The result is the instance as it ended: Running, or Failed with
    /// the reason (a pull failure leaves no container and no volume). Errors are only for refused input or access.
    /// Inputs left out of <paramref name="input"/> take the catalog's generated or default values.
    /// </summary>
    public async Task<Result<ServiceInstance>> CreateAsync(Actor actor, Guid environmentId, ServiceInstanceInput input,
        IProgress<ImagePullProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var environment = await environments.GetAsync(environmentId, ct);
        if (environment is null)
        {
            return ProjectAccess.NotFound("environment");
        }

        var allowed = await access.CheckAsync(actor, environment.ProjectId, ProjectAction.Manage, "environment", ct);
        if (!allowed.IsSuccess)
        {
            return allowed.Error;
        }

        var template = await catalog.GetAsync(input.TemplateId, ct);
        if (!template.IsSuccess)
        {
            return Error.Validation("TemplateId", template.Error.Message);
        }

        var errors = new FieldErrors();
        ProjectInputRules.ValidateName(input.Name, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        var slug = ProjectInputRules.Slugify(input.Name);
        var version = input.Version ?? template.Value.DefaultVersion;
        var domain = string.IsNullOrWhiteSpace(input.Domain) ? null : input.Domain.Trim();
        if (template.Value.Http is not null && domain is null && template.Value.Outputs.Any(o => o.Value.Contains("{{domain}}", StringComparison.Ordinal)))
        {
            return Error.Validation("Domain", $"{template.Value.Name} is reached over HTTP: choose its domain.");
        }

        if (template.Value.Http is null && domain is not null)
        {
            domain = null;
        }

        // An input left out (an API call that names only what it cares about) takes what the catalog offers.
        var inputs = new Dictionary<string, string>(ServiceRenderer.NewInputs(template.Value), StringComparer.Ordinal);
        foreach (var (name, value) in input.Inputs)
        {
            inputs[name] = value;
        }

        // Everything the container will get is checked now, before a row exists.
        var rendered = ServiceRenderer.Render(template.Value, version, inputs, slug, domain);
        if (!rendered.IsSuccess)
        {
            return rendered.Error;
        }

        var now = time.GetUtcNow();
        var instance = new ServiceInstance
        {
            Id = Guid.CreateVersion7(now),
            ProjectId = environment.ProjectId,
            EnvironmentId = environment.Id,
            TemplateId = template.Value.Id,
            Version = version,
            Name = ProjectInputRules.NormalizeName(input.Name),
            Slug = slug,
            State = ServiceState.Creating,
            Reason = "created",
            CreatedAt = now,
            UpdatedAt = now,
        };
        var outcome = await instances.TryCreateAsync(instance, inputs, domain, ct);
        if (outcome == SaveOutcome.SlugTaken)
        {
            return Error.Validation("Name", $"This environment already has a service named like '{slug}'.");
        }

        var ended = await ProvisionAsync(instance, template.Value, version, rendered.Value, progress, ct);
        await AuditAsync(actor, AuditActions.ServiceCreated, ended, $"{template.Value.Id}:{version} in environment {environmentId}");
        return ended;
    }

    public Task<Result<ServiceInstance>> StartAsync(Actor actor, Guid serviceId, CancellationToken ct = default) =>
        ActAsync(actor, serviceId, AuditActions.ServiceStarted, (instance, template) => StartContainerAsync(instance, template, ct), ct);

    public Task<Result<ServiceInstance>> StopAsync(Actor actor, Guid serviceId, CancellationToken ct = default) =>
        ActAsync(actor, serviceId, AuditActions.ServiceStopped, (instance, _) => StopContainerAsync(instance), ct);

    public Task<Result<ServiceInstance>> RestartAsync(Actor actor, Guid serviceId, CancellationToken ct = default) =>
        ActAsync(actor, serviceId, AuditActions.ServiceRestarted, async (instance, template) =>
        {
            var stopped = await StopContainerAsync(instance);
            return stopped.State == ServiceState.Failed ? stopped : await StartContainerAsync(stopped, template, ct);
        }, ct);

    /// <summary>
    /// Recreates the container from <paramref name="version"/> on the same volumes. The old container is removed first
    /// (two processes must never share a data volume); if the new version fails, the service is Failed with the reason
    /// and changing back to the old version recreates it again.
    /// </summary>
    public async Task<Result<ServiceInstance>> ChangeVersionAsync(Actor actor, Guid serviceId, string? version,
        IProgress<ImagePullProgress>? progress = null, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, serviceId, ProjectAction.Manage, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var chosen = version ?? string.Empty;
        var rendered = await RenderAsync(found.Value, chosen, ct);
        if (!rendered.IsSuccess)
        {
            return rendered.Error.FieldErrors.ContainsKey("version") ? Error.Validation("Version", rendered.Error.Message) : rendered.Error;
        }

        if (!_busy.TryAdd(serviceId, 0))
        {
            return Busy();
        }

        try
        {
            var ended = await RecreateAsync(found.Value, rendered.Value.Template, chosen, rendered.Value.Service, progress, ct);
            await AuditAsync(actor, AuditActions.ServiceVersionChanged, ended, $"{found.Value.Version} → {chosen}");
            return ended;
        }
        finally
        {
            _busy.TryRemove(serviceId, out _);
        }
    }

    /// <summary>Removes the container and the row; the volumes too unless <paramref name="keepVolumes"/> (the default).</summary>
    public async Task<Result> DeleteAsync(Actor actor, Guid serviceId, bool keepVolumes = true, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, serviceId, ProjectAction.Manage, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        if (!_busy.TryAdd(serviceId, 0))
        {
            return Busy();
        }

        try
        {
            var instance = found.Value;
            var owned = Labels(instance);
            try
            {
                foreach (var id in await containers.ListContainersAsync(new Dictionary<string, string> { [ServiceLabels.Service] = instance.Id.ToString() }, ct))
                {
                    await containers.StopAndRemoveAsync(id, CancellationToken.None);
                }

                await proxy.RemoveAsync(instance.Id, CancellationToken.None);
                if (!keepVolumes)
                {
                    foreach (var volume in await runtime.ListVolumesAsync(new Dictionary<string, string> { [ServiceLabels.Service] = owned[ServiceLabels.Service] }, ct))
                    {
                        await runtime.RemoveVolumeAsync(volume, CancellationToken.None);
                    }
                }
            }
            catch (Exception e) when (e is ContainerRuntimeException or ServiceRuntimeException or ProxyException)
            {
                var failed = await RecordAsync(instance, ServiceState.Failed, "delete failed: " + e.Message, instance.ContainerId, instance.Version);
                await AuditAsync(actor, AuditActions.ServiceDeleted, failed, keepVolumes ? "keeping volumes" : "deleting volumes");
                return Error.Conflict($"The service could not be removed: {e.Message}");
            }

            await instances.DeleteAsync(instance.Id, CancellationToken.None);
            feed.Publish(new ServiceChange(instance, Deleted: true));
            await audit.RecordAsync(time, actor, AuditActions.ServiceDeleted, Target(instance), keepVolumes ? "volumes kept" : "volumes deleted", CancellationToken.None);
            return Result.Success;
        }
        finally
        {
            _busy.TryRemove(serviceId, out _);
        }
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

        await audit.RecordAsync(time, actor, AuditActions.ServiceLinked, Target(found.Value), $"{output.Name} → application:{app.Value.Slug} {variableKey}", ct);
        return Result.Success;
    }

    private async Task<Result<ServiceInstance>> ActAsync(Actor actor, Guid serviceId, string action,
        Func<ServiceInstance, ServiceTemplate, Task<ServiceInstance>> work, CancellationToken ct)
    {
        var found = await FindAsync(actor, serviceId, ProjectAction.Manage, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var template = await catalog.GetAsync(found.Value.TemplateId, ct);
        if (!template.IsSuccess)
        {
            return Error.Conflict($"The template '{found.Value.TemplateId}' is no longer in the catalog.");
        }

        if (!_busy.TryAdd(serviceId, 0))
        {
            return Busy();
        }

        try
        {
            var ended = await work(found.Value, template.Value);
            await AuditAsync(actor, action, ended, null);
            return ended;
        }
        finally
        {
            _busy.TryRemove(serviceId, out _);
        }
    }

    private async Task<ServiceInstance> StartContainerAsync(ServiceInstance instance, ServiceTemplate template, CancellationToken ct)
    {
        if (instance.ContainerId is not { } containerId || !await StartQuietlyAsync(containerId))
        {
            // Never created, removed after a failure, or removed outside GoForge: create it again on the same volumes.
            var rendered = await RenderAsync(instance, instance.Version, ct);
            return rendered.IsSuccess
                ? await RecreateAsync(instance, template, instance.Version, rendered.Value.Service, null, ct)
                : await RecordAsync(instance, ServiceState.Failed, rendered.Error.Message, instance.ContainerId, instance.Version);
        }

        var starting = await RecordAsync(instance, ServiceState.Starting, "starting", containerId, instance.Version);
        var started = await WaitHealthyAsync(starting, template, containerId, removeWhenUnhealthy: false);
        var route = await RouteOfAsync(started, template);
        return route.IsSuccess && route.Value is { } target ? await PublishRouteAsync(started, target) : started;
    }

    private async Task<bool> StartQuietlyAsync(string containerId)
    {
        try
        {
            return await runtime.StartAsync(containerId, CancellationToken.None);
        }
        catch (ServiceRuntimeException)
        {
            return false;
        }
    }

    private async Task<ServiceInstance> StopContainerAsync(ServiceInstance instance)
    {
        try
        {
            if (instance.ContainerId is { } containerId)
            {
                await runtime.StopAsync(containerId, CancellationToken.None);
            }

            return await RecordAsync(instance, ServiceState.Stopped, "stopped", instance.ContainerId, instance.Version);
        }
        catch (ServiceRuntimeException e)
        {
            return await RecordAsync(instance, ServiceState.Failed, "stop failed: " + e.Message, instance.ContainerId, instance.Version);
        }
    }

    private async Task<ServiceInstance> RecreateAsync(ServiceInstance instance, ServiceTemplate template, string version,
        RenderedService rendered, IProgress<ImagePullProgress>? progress, CancellationToken ct)
    {
        try
        {
            foreach (var id in await containers.ListContainersAsync(new Dictionary<string, string> { [ServiceLabels.Service] = instance.Id.ToString() }, ct))
            {
                await containers.StopAndRemoveAsync(id, CancellationToken.None);
            }
        }
        catch (ContainerRuntimeException e)
        {
            return await RecordAsync(instance, ServiceState.Failed, "removing the old container failed: " + e.Message, instance.ContainerId, instance.Version);
        }

        return await ProvisionAsync(instance with { ContainerId = null }, template, version, rendered, progress, ct);
    }

    /// <summary>Pull (if missing) → volumes → container → health. Every step is recorded before it starts.</summary>
    private async Task<ServiceInstance> ProvisionAsync(ServiceInstance instance, ServiceTemplate template, string version,
        RenderedService rendered, IProgress<ImagePullProgress>? progress, CancellationToken ct)
    {
        // The clock starts before Pulling is recorded, so whoever sees Pulling sees a pull already bounded.
        using var timeout = new CancellationTokenSource(PullTimeout, time);
        using var pull = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        var current = await RecordAsync(instance, ServiceState.Pulling, $"making sure {rendered.Image} is present", null, version);
        try
        {
            await runtime.EnsureImageAsync(rendered.Image, progress, pull.Token);
        }
        catch (ServiceRuntimeException e)
        {
            return await RecordAsync(current, ServiceState.Failed, e.Message, null, instance.Version);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return await RecordAsync(current, ServiceState.Failed, $"pulling {rendered.Image} took longer than {PullTimeout.TotalMinutes:0} minutes", null, instance.Version);
        }
        catch (OperationCanceledException)
        {
            return await RecordAsync(current, ServiceState.Failed, $"canceled while pulling {rendered.Image}", null, instance.Version);
        }

        var project = await projects.GetAsync(instance.ProjectId, CancellationToken.None);
        var environment = await environments.GetAsync(instance.EnvironmentId, CancellationToken.None);
        if (project is null || environment is null)
        {
            return await RecordAsync(current, ServiceState.Failed, "the environment no longer exists", null, version);
        }

        current = await RecordAsync(current, ServiceState.Starting, $"starting {rendered.Image}", null, version);
        var route = await RouteOfAsync(instance, template);
        if (!route.IsSuccess)
        {
            return await RecordAsync(current, ServiceState.Failed, "routing: " + route.Error.Message, null, version);
        }

        var labels = Labels(instance);
        var containerLabels = new Dictionary<string, string>(route.Value is { } routed ? proxy.Labels(routed) : new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (key, value) in labels)
        {
            containerLabels[key] = value;
        }

        var network = RoutingService.NetworkOf(project, environment);
        var prefix = $"goforge-{project.Slug}-{environment.Slug}-{instance.Slug}";
        var volumes = template.Volumes.Select(v => new ContainerVolume($"{prefix}-{v.Name}", v.MountPath)).ToList();
        string containerId;
        try
        {
            foreach (var volume in volumes)
            {
                await runtime.EnsureVolumeAsync(volume.Name, labels, CancellationToken.None);
            }

            var check = template.HealthCheck;
            containerId = await containers.CreateAndStartAsync(new ContainerSpec
            {
                Name = prefix,
                Image = rendered.Image,
                Network = network,
                NetworkAlias = instance.Host,
                ContainerPort = template.MainPort.Port,
                Env = rendered.Environment.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal),
                Labels = containerLabels,
                Command = rendered.Command,
                Volumes = volumes,
                RestartPolicy = RestartPolicy.UnlessStopped,
                Init = true,
                ProxyNetwork = route.Value is null ? null : deploymentOptions.Value.ProxyNetwork,
                ExecHealthCheck = check is { Kind: HealthCheckKind.Exec }
                    ? new ContainerExecHealthCheck(rendered.HealthCheckExec, check.Interval, check.Timeout, check.Retries, check.StartPeriod)
                    : null,
            }, CancellationToken.None);
        }
        catch (Exception e) when (e is ContainerRuntimeException or ServiceRuntimeException)
        {
            return await RecordAsync(current, ServiceState.Failed, e.Message, null, version);
        }

        current = await RecordAsync(current, ServiceState.Starting, "waiting for the health check", containerId, version);
        var ended = await WaitHealthyAsync(current, template, containerId, removeWhenUnhealthy: true);
        return route.Value is { } target ? await PublishRouteAsync(ended, target) : ended;
    }

    /// <summary>
    /// The proxy's view of a service served over HTTP (a template with <c>http</c> and a domain chosen); null for the
    /// rest. Its upstream is the service's container by name on the proxy's network, like an application's.
    /// </summary>
    private async Task<Result<RouteTarget?>> RouteOfAsync(ServiceInstance instance, ServiceTemplate template)
    {
        var (_, domain) = await instances.GetInputsAsync(instance.Id, CancellationToken.None);
        if (template.Http is not { } http || domain is null)
        {
            return Result<RouteTarget?>.Ok(null);
        }

        var project = await projects.GetAsync(instance.ProjectId, CancellationToken.None);
        var environment = await environments.GetAsync(instance.EnvironmentId, CancellationToken.None);
        if (project is null || environment is null)
        {
            return Error.Conflict("The environment no longer exists.");
        }

        var network = deploymentOptions.Value.ProxyNetwork ?? RoutingService.NetworkOf(project, environment);
        var target = RouteTarget.ForService(instance.Id, instance.Slug, domain, http.Port, network);
        return target.IsSuccess ? Result<RouteTarget?>.Ok(target.Value) : target.Error;
    }

    /// <summary>Points the proxy at a healthy service's container; a refusal leaves it running, unrouted, and says so.</summary>
    private async Task<ServiceInstance> PublishRouteAsync(ServiceInstance instance, RouteTarget route)
    {
        if (instance is not { State: ServiceState.Running, ContainerId: { } containerId })
        {
            return instance;
        }

        try
        {
            var project = await projects.GetAsync(instance.ProjectId, CancellationToken.None);
            var environment = await environments.GetAsync(instance.EnvironmentId, CancellationToken.None);
            var name = $"goforge-{project?.Slug}-{environment?.Slug}-{instance.Slug}";
            var address = await containers.AddressAsync(containerId, route.Network, CancellationToken.None);
            await proxy.ApplyAsync(route, new RouteUpstream(name, address, route.ContainerPort), CancellationToken.None);
            return await RecordAsync(instance, ServiceState.Running, $"{instance.Reason}; served on https://{route.Domains[0].Host}", containerId, instance.Version);
        }
        catch (Exception e) when (e is ProxyException or ContainerRuntimeException)
        {
            return await RecordAsync(instance, ServiceState.Running, $"{instance.Reason}; not served on its domain: the proxy refused the route: {e.Message}", containerId, instance.Version);
        }
    }

    private async Task<ServiceInstance> WaitHealthyAsync(ServiceInstance instance, ServiceTemplate template, string containerId, bool removeWhenUnhealthy)
    {
        var project = await projects.GetAsync(instance.ProjectId, CancellationToken.None);
        var environment = await environments.GetAsync(instance.EnvironmentId, CancellationToken.None);
        var network = project is null || environment is null ? string.Empty : RoutingService.NetworkOf(project, environment);
        var health = await runtime.WaitHealthyAsync(containerId, network, template.HealthCheck, HealthTimeout + (template.HealthCheck?.StartPeriod ?? TimeSpan.Zero), CancellationToken.None);
        if (health.IsHealthy)
        {
            return await RecordAsync(instance, ServiceState.Running, "healthy: " + health.Reason, containerId, instance.Version);
        }

        string? kept = containerId;
        if (removeWhenUnhealthy)
        {
            // The volumes stay: they may hold data (a kept volume, or the last version's).
            await containers.StopAndRemoveAsync(containerId, CancellationToken.None);
            kept = null;
        }

        return await RecordAsync(instance, ServiceState.Failed, "not healthy: " + health.Reason, kept, instance.Version);
    }

    private async Task<Result<(ServiceTemplate Template, RenderedService Service)>> RenderAsync(ServiceInstance instance, string version, CancellationToken ct)
    {
        var template = await catalog.GetAsync(instance.TemplateId, ct);
        if (!template.IsSuccess)
        {
            return Error.Conflict($"The template '{instance.TemplateId}' is no longer in the catalog.");
        }

        var (inputs, domain) = await instances.GetInputsAsync(instance.Id, ct);
        var rendered = ServiceRenderer.Render(template.Value, version, inputs, instance.Host, domain);
        return rendered.IsSuccess ? (template.Value, rendered.Value) : rendered.Error;
    }

    private async Task<ServiceInstance> RecordAsync(ServiceInstance instance, ServiceState state, string reason, string? containerId, string version)
    {
        var now = time.GetUtcNow();
        await instances.RecordAsync(instance.Id, state, reason, containerId, version, now, CancellationToken.None);
        var recorded = instance with { State = state, Reason = reason, ContainerId = containerId, Version = version, UpdatedAt = now };
        feed.Publish(new ServiceChange(recorded));
        return recorded;
    }

    private Task AuditAsync(Actor actor, string action, ServiceInstance ended, string? detail)
    {
        var outcome = ended.State == ServiceState.Failed ? $"failed: {ended.Reason}" : ended.State.ToString().ToLowerInvariant();
        return audit.RecordAsync(time, actor, action, Target(ended), detail is null ? outcome : $"{detail}; {outcome}", CancellationToken.None);
    }

    private async Task<Result<ServiceInstance>> FindAsync(Actor actor, Guid serviceId, ProjectAction action, CancellationToken ct)
    {
        var instance = await instances.GetAsync(serviceId, ct);
        if (instance is null)
        {
            return ProjectAccess.NotFound(What);
        }

        var allowed = await access.CheckAsync(actor, instance.ProjectId, action, What, ct);
        return allowed.IsSuccess ? instance : allowed.Error;
    }

    private static Dictionary<string, string> Labels(ServiceInstance instance) => new(StringComparer.Ordinal)
    {
        ["goforge.managed"] = "true",
        [ServiceLabels.Service] = instance.Id.ToString(),
        [ServiceLabels.Project] = instance.ProjectId.ToString(),
        [ServiceLabels.Environment] = instance.EnvironmentId.ToString(),
    };

    private static string Target(ServiceInstance instance) => $"service:{instance.Slug}";

    private static Error Busy() => Error.Conflict("Another action on this service is running; try again when it has finished.");
}

/// <summary>The labels on a service's container and volumes.</summary>
public static class ServiceLabels
{
    public const string Service = "goforge.service";
    public const string Project = "goforge.project";
    public const string Environment = "goforge.environment";
}
