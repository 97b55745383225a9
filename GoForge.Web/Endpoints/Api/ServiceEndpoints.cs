using System.Security.Claims;
using GoForge.Core.Catalog;
using GoForge.Core.Common;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Services;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// The service catalog and an environment's services, through <see cref="CatalogService"/>,
/// <see cref="ServiceInstanceService"/> (reads) and <see cref="ServiceCommands"/> (actions). An action is checked at
/// once (400/403/404/409) and queued: it answers 202 Accepted with the operation and its URL as <c>Location</c>. With
/// <c>?wait=SECONDS</c> (at most 300) it answers as the operation ended — 201/200 with the service in its state (failed
/// with the reason, too), 204 for a delete — or still 202 when the wait ran out (docs/api.md#service-operations).
/// </summary>
internal static class ServiceEndpoints
{
    /// <summary>The longest <c>?wait=</c> a request may hold a connection for.</summary>
    public const int MaxWaitSeconds = 300;

    public static RouteGroupBuilder MapServiceEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/catalog", CatalogAsync).RequireScope(ApiScope.Read).WithTags("Services").WithSummary("The service templates, optionally searched or of one category");
        api.MapGet("/environments/{environmentId:guid}/services", ListAsync).RequireScope(ApiScope.Read).WithTags("Services").WithSummary("An environment's services");
        api.MapGet("/services/{serviceId:guid}", GetAsync).RequireScope(ApiScope.Read).WithTags("Services").WithSummary("One service");
        api.MapGet("/services/{serviceId:guid}/connection", ConnectionAsync).RequireScope(ApiScope.Read).WithTags("Services").WithSummary("How apps reach a service (secret outputs masked without the secrets scope)");
        api.MapPost("/environments/{environmentId:guid}/services", CreateAsync).RequireScope(ApiScope.Write).WithTags("Services").WithSummary("Create a service from a catalog template; 202 with the queued operation, or with ?wait= 201 once it is running or failed");
        api.MapPost("/services/{serviceId:guid}/start", StartAsync).RequireScope(ApiScope.Deploy).WithTags("Services").WithSummary("Start a stopped or failed service; 202, or with ?wait= 200 once it is running or failed");
        api.MapPost("/services/{serviceId:guid}/stop", StopAsync).RequireScope(ApiScope.Deploy).WithTags("Services").WithSummary("Stop a service (its container and data stay); 202, or with ?wait= 200");
        api.MapPost("/services/{serviceId:guid}/restart", RestartAsync).RequireScope(ApiScope.Deploy).WithTags("Services").WithSummary("Stop and start a service again; 202, or with ?wait= 200");
        api.MapPut("/services/{serviceId:guid}/version", ChangeVersionAsync).RequireScope(ApiScope.Write).WithTags("Services").WithSummary("Recreate a service from another of its template's versions, on the same volumes; 202, or with ?wait= 200");
        api.MapPost("/services/{serviceId:guid}/cancel", CancelAsync).RequireScope(ApiScope.Deploy).WithTags("Services").WithSummary("Cancel the service's queued operation, or its running one while it pulls");
        api.MapGet("/services/{serviceId:guid}/operations/{operationId:guid}", OperationAsync).RequireScope(ApiScope.Read).WithTags("Services").WithSummary("One operation of a service: its state and outcome");
        api.MapPost("/services/{serviceId:guid}/links", LinkAsync).RequireScope(ApiScope.Write).WithTags("Services").WithSummary("Write one of the service's outputs as a secret variable of an application in its environment");
        api.MapDelete("/services/{serviceId:guid}", DeleteAsync).RequireScope(ApiScope.Write).WithTags("Services").WithSummary("Delete a service; its data volumes stay unless keepVolumes=false; 202, or with ?wait= 204");
        return api;
    }

    /// <summary>
    /// A left-out name is the one the panel offers (the template's id, made free in the environment); left-out inputs
    /// take the catalog's generated or default values in Core.
    /// </summary>
    private static async Task<Results<Created<ServiceResponse>, Accepted<ServiceOperationResponse>, ProblemHttpResult>> CreateAsync(
        Guid environmentId, ServiceRequest body, ClaimsPrincipal user, ServiceInstanceService services, ServiceCommands commands, CatalogService catalog,
        int? wait, CancellationToken ct)
    {
        if (!TryReadWait(wait, out var waitFor, out var badWait))
        {
            return badWait;
        }

        var actor = user.ToApiActor();
        var name = body.Name;
        if (name is null)
        {
            var template = await catalog.GetAsync(body.TemplateId, ct);
            if (!template.IsSuccess)
            {
                return ApiResults.Validation("TemplateId", template.Error.Message);
            }

            var suggested = await services.SuggestNameAsync(actor, environmentId, template.Value, ct);
            if (!suggested.IsSuccess)
            {
                return ApiResults.Problem(suggested.Error);
            }

            name = suggested.Value;
        }

        var input = new ServiceInstanceInput
        {
            TemplateId = body.TemplateId,
            Name = name,
            Version = body.Version,
            Domain = body.Domain,
            Inputs = body.Inputs ?? new Dictionary<string, string>(),
        };

        // Queued, the creation is the worker's: it ends with its outcome recorded whether or not the client still listens.
        var queued = await commands.CreateAsync(actor, environmentId, input, progress: null, ct);
        if (!queued.IsSuccess)
        {
            return ApiResults.Problem(queued.Error);
        }

        var ended = waitFor is { } span ? await commands.WaitAsync(queued.Value, span, ct) : queued.Value;
        if (ended.IsEnded && await services.GetAsync(actor, ended.ServiceId, ct) is { IsSuccess: true } service)
        {
            return TypedResults.Created($"{ApiEndpoints.Prefix}/services/{service.Value.Id}", ServiceResponse.From(service.Value));
        }

        return TypedResults.Accepted(ServiceOperationResponse.LocationOf(ended), ServiceOperationResponse.From(ended));
    }

    private static Task<Results<Ok<ServiceResponse>, Accepted<ServiceOperationResponse>, ProblemHttpResult>> StartAsync(
        Guid serviceId, ClaimsPrincipal user, ServiceInstanceService services, ServiceCommands commands, int? wait, CancellationToken ct) =>
        AnswerAsync(user, services, commands, wait, actor => commands.StartAsync(actor, serviceId, null, ct), ct);

    private static Task<Results<Ok<ServiceResponse>, Accepted<ServiceOperationResponse>, ProblemHttpResult>> StopAsync(
        Guid serviceId, ClaimsPrincipal user, ServiceInstanceService services, ServiceCommands commands, int? wait, CancellationToken ct) =>
        AnswerAsync(user, services, commands, wait, actor => commands.StopAsync(actor, serviceId, ct), ct);

    private static Task<Results<Ok<ServiceResponse>, Accepted<ServiceOperationResponse>, ProblemHttpResult>> RestartAsync(
        Guid serviceId, ClaimsPrincipal user, ServiceInstanceService services, ServiceCommands commands, int? wait, CancellationToken ct) =>
        AnswerAsync(user, services, commands, wait, actor => commands.RestartAsync(actor, serviceId, null, ct), ct);

    private static Task<Results<Ok<ServiceResponse>, Accepted<ServiceOperationResponse>, ProblemHttpResult>> ChangeVersionAsync(
        Guid serviceId, ServiceVersionRequest body, ClaimsPrincipal user, ServiceInstanceService services, ServiceCommands commands, int? wait, CancellationToken ct) =>
        AnswerAsync(user, services, commands, wait, actor => commands.ChangeVersionAsync(actor, serviceId, body.Version, null, ct), ct);

    private static async Task<Results<Accepted<ServiceOperationResponse>, ProblemHttpResult>> CancelAsync(
        Guid serviceId, ClaimsPrincipal user, ServiceCommands commands, CancellationToken ct)
    {
        var canceled = await commands.CancelAsync(user.ToApiActor(), serviceId, ct);
        return canceled.IsSuccess
            ? TypedResults.Accepted(ServiceOperationResponse.LocationOf(canceled.Value), ServiceOperationResponse.From(canceled.Value))
            : ApiResults.Problem(canceled.Error);
    }

    private static async Task<Results<Ok<ServiceOperationResponse>, ProblemHttpResult>> OperationAsync(
        Guid serviceId, Guid operationId, ClaimsPrincipal user, ServiceCommands commands, CancellationToken ct)
    {
        var found = await commands.GetOperationAsync(user.ToApiActor(), serviceId, operationId, ct);
        return found.IsSuccess ? TypedResults.Ok(ServiceOperationResponse.From(found.Value)) : ApiResults.Problem(found.Error);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> LinkAsync(
        Guid serviceId, ServiceLinkRequest body, ClaimsPrincipal user, ServiceInstanceService services, CancellationToken ct)
    {
        if (body.ApplicationId is not { } applicationId)
        {
            return ApiResults.Validation("ApplicationId", "Choose the application that will get the variable.");
        }

        var result = await services.LinkAsync(user.ToApiActor(), serviceId, body.OutputName, applicationId, body.Key, ct);
        return result.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(result.Error!);
    }

    private static async Task<Results<NoContent, Accepted<ServiceOperationResponse>, ProblemHttpResult>> DeleteAsync(
        Guid serviceId, ClaimsPrincipal user, ServiceCommands commands, bool? keepVolumes, int? wait, CancellationToken ct)
    {
        if (!TryReadWait(wait, out var waitFor, out var badWait))
        {
            return badWait;
        }

        var queued = await commands.DeleteAsync(user.ToApiActor(), serviceId, keepVolumes ?? true, ct);
        if (!queued.IsSuccess)
        {
            return ApiResults.Problem(queued.Error);
        }

        var ended = waitFor is { } span ? await commands.WaitAsync(queued.Value, span, ct) : queued.Value;
        return ended.State switch
        {
            ServiceOperationState.Succeeded => TypedResults.NoContent(),
            ServiceOperationState.Failed or ServiceOperationState.Canceled => ApiResults.Problem(Error.Conflict(ended.Outcome ?? "The service could not be removed.")),
            _ => TypedResults.Accepted(ServiceOperationResponse.LocationOf(ended), ServiceOperationResponse.From(ended)),
        };
    }

    /// <summary>Queues the action; answers 202 with the operation, or with <c>?wait=</c> the service as the operation left it.</summary>
    private static async Task<Results<Ok<ServiceResponse>, Accepted<ServiceOperationResponse>, ProblemHttpResult>> AnswerAsync(
        ClaimsPrincipal user, ServiceInstanceService services, ServiceCommands commands, int? wait,
        Func<GoForge.Core.Identity.Actor, Task<Result<ServiceOperation>>> action, CancellationToken ct)
    {
        if (!TryReadWait(wait, out var waitFor, out var badWait))
        {
            return badWait;
        }

        var actor = user.ToApiActor();
        var queued = await action(actor);
        if (!queued.IsSuccess)
        {
            return ApiResults.Problem(queued.Error);
        }

        var ended = waitFor is { } span ? await commands.WaitAsync(queued.Value, span, ct) : queued.Value;
        if (ended.IsEnded && await services.GetAsync(actor, ended.ServiceId, ct) is { IsSuccess: true } service)
        {
            return TypedResults.Ok(ServiceResponse.From(service.Value));
        }

        return TypedResults.Accepted(ServiceOperationResponse.LocationOf(ended), ServiceOperationResponse.From(ended));
    }

    /// <summary>Absent or 0: answer at once; 1–300: wait that long at most for the outcome.</summary>
    private static bool TryReadWait(int? wait, out TimeSpan? waitFor, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        waitFor = null;
        problem = null;
        if (wait is null or 0)
        {
            return true;
        }

        if (wait is < 0 or > MaxWaitSeconds)
        {
            problem = ApiResults.Validation("wait", $"Wait between 0 and {MaxWaitSeconds} seconds.");
            return false;
        }

        waitFor = TimeSpan.FromSeconds(wait.Value);
        return true;
    }

    private static async Task<Results<Ok<ServiceResponse>, ProblemHttpResult>> GetAsync(Guid serviceId, ClaimsPrincipal user, ServiceInstanceService services, CancellationToken ct)
    {
        var result = await services.GetAsync(user.ToApiActor(), serviceId, ct);
        return result.IsSuccess ? TypedResults.Ok(ServiceResponse.From(result.Value)) : ApiResults.Problem(result.Error);
    }

    /// <summary>Secret outputs are null unless the token has <c>secrets</c>; then Core reveals them (its role rule and audit apply).</summary>
    private static async Task<Results<Ok<ServiceConnectionResponse>, ProblemHttpResult>> ConnectionAsync(Guid serviceId, ClaimsPrincipal user, ServiceInstanceService services, CancellationToken ct)
    {
        var actor = user.ToApiActor();
        var connection = await services.ConnectionAsync(actor, serviceId, ct);
        if (!connection.IsSuccess)
        {
            return ApiResults.Problem(connection.Error);
        }

        var outputs = connection.Value.Outputs;
        if (user.HasScope(ApiScope.Secrets) && outputs.Any(o => o.Secret) && await services.RevealAsync(actor, serviceId, ct) is { IsSuccess: true } revealed)
        {
            outputs = revealed.Value.Outputs;
        }

        return TypedResults.Ok(new ServiceConnectionResponse(connection.Value.Host, connection.Value.Port,
            outputs.Select(o => new ServiceOutputResponse(o.Name, o.Label, o.Value, o.Secret)).ToList()));
    }

    private static async Task<Results<Ok<Page<CatalogTemplateResponse>>, ProblemHttpResult>> CatalogAsync(
        CatalogService catalog, string? search, string? category, int? limit, string? cursor, CancellationToken ct)
    {
        if (!PageRequest.TryRead(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        ServiceCategory? only = null;
        if (!string.IsNullOrEmpty(category))
        {
            if (!Enum.TryParse<ServiceCategory>(category, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return ApiResults.Validation("category", $"Choose one of {string.Join(", ", Enum.GetNames<ServiceCategory>().Select(n => n.ToLowerInvariant()))}.");
            }

            only = parsed;
        }

        var templates = await catalog.ListAsync(search, only, ct);
        return TypedResults.Ok(page.Apply(templates, CatalogTemplateResponse.From));
    }

    private static Task<Results<Ok<Page<ServiceResponse>>, ProblemHttpResult>> ListAsync(
        Guid environmentId, ClaimsPrincipal user, ServiceInstanceService services, int? limit, string? cursor, CancellationToken ct) =>
        PageRequest.AnswerAsync(limit, cursor, _ => services.ListAsync(user.ToApiActor(), environmentId, ct), ServiceResponse.From);
}
