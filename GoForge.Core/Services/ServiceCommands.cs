using GoForge.Core.Catalog;
using GoForge.Core.Common;
using GoForge.Core.Containers;
using GoForge.Core.Identity;
using GoForge.Core.Projects;

namespace GoForge.Core.Services;

/// <summary>
/// What a person asks of a service, queued for the <see cref="ServiceWorker"/>: create, start, stop, restart, version
/// change, delete; and cancel. Everything is checked here, before anything is queued — access (a service of another
/// project is "not found"), the template, the inputs, the version — so a refusal is answered at once; the work and its
/// outcome are the operation's (<see cref="ServiceOperation"/>), which callers follow with <see cref="WaitAsync"/>.
/// </summary>
public sealed class ServiceCommands(
    IServiceInstanceRepository instances,
    IServiceOperationRepository operations,
    IEnvironmentRepository environments,
    ProjectAccess access,
    CatalogService catalog,
    ServiceStates states,
    ServiceSignal signal,
    ServiceCancellations cancellations,
    ServiceOperationEnds ends,
    ServicePullWatch pulls,
    DomainRules domainRules,
    TimeProvider time)
{
    /// <summary>
    /// Validates everything, stores the instance (state Creating, inputs encrypted) and queues its creation. Inputs
    /// left out of <paramref name="input"/> take the catalog's generated or default values.
    /// </summary>
    /// <param name="progress">Told every step of the image pull, from before the operation is queued until it ends.</param>
    public async Task<Result<ServiceOperation>> CreateAsync(Actor actor, Guid environmentId, ServiceInstanceInput input,
        IProgress<ImagePullProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
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

        // Stored and compared as applications' hosts are: punycode, lower-case, no trailing dot; never the panel's own.
        if (domain is not null)
        {
            domain = DomainNames.Normalize(domain) ?? domain;
            var domainErrors = new FieldErrors();
            domainRules.CheckReserved([new AppDomainRoute(domain, null)], domainErrors, nameof(ServiceInstanceInput.Domain));
            if (!domainErrors.IsEmpty)
            {
                return domainErrors.ToError();
            }
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
        switch (await instances.TryCreateAsync(instance, inputs, domain, ct))
        {
            case SaveOutcome.SlugTaken:
                return Error.Validation("Name", $"This environment already has a service named like '{slug}'.");
            case SaveOutcome.DomainTaken:
                return await domainRules.ExplainTakenAsync(
                    new DomainClaimant(instance.ProjectId, DomainHolderKind.Service, instance.Id), [new AppDomainRoute(domain!, null)], nameof(ServiceInstanceInput.Domain), ct);
        }

        return await EnqueueAsync(actor, instance, ServiceOperationKind.Create, null, keepVolumes: true, progress);
    }

    public Task<Result<ServiceOperation>> StartAsync(Actor actor, Guid serviceId, IProgress<ImagePullProgress>? progress = null, CancellationToken ct = default) =>
        ActAsync(actor, serviceId, ServiceOperationKind.Start, progress, ct);

    public Task<Result<ServiceOperation>> StopAsync(Actor actor, Guid serviceId, CancellationToken ct = default) =>
        ActAsync(actor, serviceId, ServiceOperationKind.Stop, null, ct);

    public Task<Result<ServiceOperation>> RestartAsync(Actor actor, Guid serviceId, IProgress<ImagePullProgress>? progress = null, CancellationToken ct = default) =>
        ActAsync(actor, serviceId, ServiceOperationKind.Restart, progress, ct);

    /// <summary>
    /// Queues recreating the container from <paramref name="version"/> on the same volumes. The old container is
    /// removed first (two processes must never share a data volume); if the new version fails, the service is Failed
    /// with the reason and changing back to the old version recreates it again.
    /// </summary>
    public async Task<Result<ServiceOperation>> ChangeVersionAsync(Actor actor, Guid serviceId, string? version,
        IProgress<ImagePullProgress>? progress = null, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, serviceId, ProjectAction.Manage, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var chosen = version ?? string.Empty;
        var rendered = await RenderAsync(catalog, instances, found.Value, chosen, ct);
        if (!rendered.IsSuccess)
        {
            return rendered.Error.FieldErrors.ContainsKey("version") ? Error.Validation("Version", rendered.Error.Message) : rendered.Error;
        }

        return await EnqueueAsync(actor, found.Value, ServiceOperationKind.Version, chosen, keepVolumes: true, progress);
    }

    /// <summary>Queues removing the container and the row; the volumes too unless <paramref name="keepVolumes"/> (the default).</summary>
    public async Task<Result<ServiceOperation>> DeleteAsync(Actor actor, Guid serviceId, bool keepVolumes = true, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, serviceId, ProjectAction.Manage, ct);
        return found.IsSuccess ? await EnqueueAsync(actor, found.Value, ServiceOperationKind.Delete, null, keepVolumes, null) : found.Error;
    }

    /// <summary>
    /// Cancels the service's queued operation, or its running one while it pulls (the pull stops within seconds and
    /// the operation ends Canceled). Past the pull nothing is canceled: Conflict.
    /// </summary>
    public async Task<Result<ServiceOperation>> CancelAsync(Actor actor, Guid serviceId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, serviceId, ProjectAction.Manage, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        if (await operations.GetInFlightAsync(serviceId, ct) is not { } operation)
        {
            return Error.Conflict("Nothing is queued or running on this service.");
        }

        if (operation.State == ServiceOperationState.Queued)
        {
            if (await operations.TryCancelQueuedAsync(operation.Id, "canceled before it started", time.GetUtcNow(), ct))
            {
                if (found.Value.State == ServiceState.Creating)
                {
                    await states.TryMoveAsync(found.Value, ServiceTrigger.Cancel, "canceled before it started", CancellationToken.None);
                }

                ends.Ended(operation.Id);
                return (await operations.GetAsync(operation.Id, ct))!;
            }

            operation = await operations.GetAsync(operation.Id, ct) ?? operation; // picked up meanwhile
        }

        if (operation.State != ServiceOperationState.Running || (await instances.GetAsync(serviceId, ct))?.State != ServiceState.Pulling)
        {
            return Error.Conflict("Only a pull can be canceled; this action is past it.");
        }

        return cancellations.Cancel(operation.Id)
            ? operation
            : Error.Conflict("This action runs in another GoForge process; cancel it there.");
    }

    /// <summary>One operation of a service the actor may see.</summary>
    public async Task<Result<ServiceOperation>> GetOperationAsync(Actor actor, Guid serviceId, Guid operationId, CancellationToken ct = default)
    {
        var operation = await operations.GetAsync(operationId, ct);
        if (operation is null || operation.ServiceId != serviceId)
        {
            return ProjectAccess.NotFound("operation");
        }

        var allowed = await access.CheckAsync(actor, operation.ProjectId, ProjectAction.View, "operation", ct);
        return allowed.IsSuccess ? operation : allowed.Error;
    }

    /// <summary>
    /// Waits until the operation has ended or <paramref name="timeout"/> has passed, and returns it as it is then.
    /// Told at once by the worker of this process; an operation worked elsewhere is read again every second.
    /// </summary>
    public async Task<ServiceOperation> WaitAsync(ServiceOperation operation, TimeSpan timeout, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var current = operation;
        while (true)
        {
            var ended = ends.WhenEndedAsync(operation.Id);
            current = await operations.GetAsync(operation.Id, ct) ?? current;
            if (current.IsEnded)
            {
                ends.Ended(operation.Id); // nobody else needs the signal: drop it
                return current;
            }

            try
            {
                await ended.WaitAsync(TimeSpan.FromSeconds(1), deadline.Token);
            }
            catch (TimeoutException)
            {
                // Read the row again: the operation may run in another process.
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return await operations.GetAsync(operation.Id, ct) ?? current;
            }
        }
    }

    internal static async Task<Result<(ServiceTemplate Template, RenderedService Service)>> RenderAsync(
        CatalogService catalog, IServiceInstanceRepository instances, ServiceInstance instance, string version, CancellationToken ct)
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

    private async Task<Result<ServiceOperation>> ActAsync(Actor actor, Guid serviceId, ServiceOperationKind kind, IProgress<ImagePullProgress>? progress, CancellationToken ct)
    {
        var found = await FindAsync(actor, serviceId, ProjectAction.Manage, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var template = await catalog.GetAsync(found.Value.TemplateId, ct);
        return template.IsSuccess
            ? await EnqueueAsync(actor, found.Value, kind, null, keepVolumes: true, progress)
            : Error.Conflict($"The template '{found.Value.TemplateId}' is no longer in the catalog.");
    }

    private async Task<Result<ServiceOperation>> EnqueueAsync(Actor actor, ServiceInstance instance, ServiceOperationKind kind, string? version, bool keepVolumes,
        IProgress<ImagePullProgress>? progress)
    {
        var operation = new ServiceOperation
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            ServiceId = instance.Id,
            ProjectId = instance.ProjectId,
            Kind = kind,
            State = ServiceOperationState.Queued,
            Version = version,
            KeepVolumes = keepVolumes,
            RequestedBy = actor.AccountId,
            CreatedAt = time.GetUtcNow(),
        };

        // Watching starts before the worker can see the operation, so no pull step is missed; it ends with the operation.
        var watching = progress is null ? null : pulls.Watch(instance.Id, progress);

        // Once queued it is the worker's: the caller's cancellation only stops the caller following it.
        if (!await operations.TryEnqueueAsync(operation, CancellationToken.None))
        {
            watching?.Dispose();
            return Error.Conflict("Another action on this service is running; try again when it has finished.");
        }

        if (watching is not null)
        {
            _ = ends.WhenEndedAsync(operation.Id).ContinueWith(_ => watching.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        signal.Wake();
        return operation;
    }

    private Task<Result<ServiceInstance>> FindAsync(Actor actor, Guid serviceId, ProjectAction action, CancellationToken ct) =>
        ServiceLookup.FindAsync(instances, access, actor, serviceId, action, ct);
}
