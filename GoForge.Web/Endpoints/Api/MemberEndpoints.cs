using System.Security.Claims;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// A project's members and their roles through <see cref="MembershipService"/>: everyone in the project reads the list;
/// maintainers add, change and remove (Core's rule), and a project keeps at least one maintainer.
/// </summary>
internal static class MemberEndpoints
{
    public static RouteGroupBuilder MapMemberEndpoints(this RouteGroupBuilder api)
    {
        var members = api.MapGroup("/projects/{projectId:guid}/members").WithTags("Members");
        members.MapGet("", ListAsync).RequireScope(ApiScope.Read).WithSummary("A project's members with their roles");
        members.MapPut("/{login}", SetAsync).RequireScope(ApiScope.Write).WithSummary("Add a user (by login) with a role, or change a member's role");
        members.MapDelete("/{userId:guid}", RemoveAsync).RequireScope(ApiScope.Write).WithSummary("Remove a member");
        return api;
    }

    private static Task<Results<Ok<Page<MemberResponse>>, ProblemHttpResult>> ListAsync(
        Guid projectId, ClaimsPrincipal user, MembershipService members, int? limit, string? cursor, CancellationToken ct) =>
        PageRequest.AnswerAsync(limit, cursor, _ => members.ListAsync(user.ToApiActor(), projectId, ct), MemberResponse.From);

    private static async Task<Results<Ok<MemberResponse>, ProblemHttpResult>> SetAsync(
        Guid projectId, string login, MemberRequest body, ClaimsPrincipal user, MembershipService members, CancellationToken ct)
    {
        if (!TryReadRole(body.Role, out var role))
        {
            return ApiResults.Validation("Role", "Choose viewer, deployer or maintainer.");
        }

        var actor = user.ToApiActor();
        var set = await members.SetAsync(actor, projectId, login, role, ct);
        if (!set.IsSuccess)
        {
            return ApiResults.Problem(set.Error!);
        }

        var listed = await members.ListAsync(actor, projectId, ct);
        if (!listed.IsSuccess)
        {
            return ApiResults.Problem(listed.Error);
        }

        var normalized = UserInputRules.NormalizeLogin(login);
        var member = listed.Value.First(m => m.Login == normalized);
        return TypedResults.Ok(MemberResponse.From(member));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(Guid projectId, Guid userId, ClaimsPrincipal user, MembershipService members, CancellationToken ct)
    {
        var result = await members.RemoveAsync(user.ToApiActor(), projectId, userId, ct);
        return result.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(result.Error!);
    }

    private static bool TryReadRole(string? text, out ProjectRole role)
    {
        role = ProjectRole.Viewer;
        return !string.IsNullOrEmpty(text) && text.All(char.IsAsciiLetter)
            && Enum.TryParse(text, ignoreCase: true, out role) && Enum.IsDefined(role);
    }
}

public sealed record MemberRequest(string? Role);

public sealed record MemberResponse(Guid UserId, string Login, string DisplayName, ProjectRole Role)
{
    public static MemberResponse From(ProjectMember m) => new(m.UserId, m.Login, m.DisplayName, m.Role);
}
