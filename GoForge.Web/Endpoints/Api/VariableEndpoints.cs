using System.Security.Claims;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// An application's environment variables, addressed by key, through <see cref="VariableService"/>. Secret values
/// are null unless the token has the <c>secrets</c> scope; then each one is revealed (and audited) by Core, which
/// still requires a role that may reveal.
/// </summary>
internal static class VariableEndpoints
{
    public static RouteGroupBuilder MapVariableEndpoints(this RouteGroupBuilder api)
    {
        var variables = api.MapGroup("/applications/{applicationId:guid}/variables").WithTags("Variables");
        variables.MapGet("", ListAsync).RequireScope(ApiScope.Read).WithSummary("An application's variables (secrets masked without the secrets scope)");
        variables.MapPost("/import", ImportAsync).RequireScope(ApiScope.Write).WithSummary("Add or change variables from .env text, all lines or none (?dryRun=true previews)");
        variables.MapPut("/{key}", SetAsync).RequireScope(ApiScope.Write).WithSummary("Add or change a variable");
        variables.MapDelete("/{key}", DeleteAsync).RequireScope(ApiScope.Write).WithSummary("Remove a variable");
        return api;
    }

    private static async Task<Results<Ok<Page<VariableResponse>>, ProblemHttpResult>> ListAsync(
        Guid applicationId, ClaimsPrincipal user, VariableService variables, int? limit, string? cursor, CancellationToken ct)
    {
        if (!PageRequest.TryRead(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        var actor = user.ToApiActor();
        var listed = await variables.ListAsync(actor, applicationId, ct);
        if (!listed.IsSuccess)
        {
            return ApiResults.Problem(listed.Error);
        }

        var masked = page.Apply(listed.Value, v => v);
        var reveal = user.HasScope(ApiScope.Secrets);
        var items = new List<VariableResponse>(masked.Items.Count);
        foreach (var v in masked.Items)
        {
            var value = v.Value;
            if (v.IsSecret && reveal && await variables.RevealAsync(actor, v.Id, ct) is { IsSuccess: true } revealed)
            {
                value = revealed.Value;
            }

            items.Add(new VariableResponse(v.Id, v.Key, value, v.IsSecret, v.IsBuildTime, v.UpdatedAt, v.Services));
        }

        return TypedResults.Ok(new Page<VariableResponse>(items, masked.NextCursor));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SetAsync(
        Guid applicationId, string key, VariableRequest body, ClaimsPrincipal user, VariableService variables, CancellationToken ct)
    {
        var actor = user.ToApiActor();
        bool isSecret = false, isBuildTime = false;
        if (body.IsSecret is null || body.IsBuildTime is null)
        {
            var listed = await variables.ListAsync(actor, applicationId, ct);
            if (!listed.IsSuccess)
            {
                return ApiResults.Problem(listed.Error);
            }

            var current = listed.Value.FirstOrDefault(v => v.Key == key);
            isSecret = current?.IsSecret ?? false;
            isBuildTime = current?.IsBuildTime ?? false;
        }

        var result = await variables.SetAsync(actor, applicationId, new VariableInput(key, body.Value, body.IsSecret ?? isSecret, body.IsBuildTime ?? isBuildTime, body.Services), ct);
        return result.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(result.Error!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid applicationId, string key, ClaimsPrincipal user, VariableService variables, CancellationToken ct)
    {
        var actor = user.ToApiActor();
        var listed = await variables.ListAsync(actor, applicationId, ct);
        if (!listed.IsSuccess)
        {
            return ApiResults.Problem(listed.Error);
        }

        if (listed.Value.FirstOrDefault(v => v.Key == key) is not { } variable)
        {
            return ApiResults.Problem(ProjectAccess.NotFound("variable"));
        }

        var result = await variables.DeleteAsync(actor, variable.Id, ct);
        return result.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(result.Error!);
    }

    private static async Task<Results<Ok<VariableImportResponse>, ProblemHttpResult>> ImportAsync(
        Guid applicationId, VariableImportRequest body, ClaimsPrincipal user, VariableService variables, bool? dryRun, CancellationToken ct)
    {
        var actor = user.ToApiActor();
        var result = dryRun == true
            ? await variables.PreviewPasteAsync(actor, applicationId, body.Text, body.AsSecrets ?? false, ct)
            : await variables.ApplyPasteAsync(actor, applicationId, body.Text, body.AsSecrets ?? false, ct);
        return result.IsSuccess
            ? TypedResults.Ok(new VariableImportResponse(result.Value.Lines.Select(l => new VariableImportLine(l.Key, l.Change, l.IsSecret ? null : l.NewValue, l.IsSecret)).ToList(), result.Value.Errors, dryRun == true))
            : ApiResults.Problem(result.Error);
    }
}

/// <summary>.env text (<c>KEY=value</c> lines, comments and <c>export</c> allowed); <c>asSecrets</c> stores every key as a secret.</summary>
public sealed record VariableImportRequest(string? Text, bool? AsSecrets);

public sealed record VariableImportLine(string Key, VariableChange Change, string? Value, bool IsSecret);

/// <param name="DryRun">True when nothing was stored (a preview).</param>
public sealed record VariableImportResponse(IReadOnlyList<VariableImportLine> Lines, IReadOnlyList<string> Errors, bool DryRun);
