using System.Security.Claims;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// User administration through <see cref="UserAdministration"/>: the <c>admin</c> scope at the edge, and Core's own
/// administrator check on the acting user behind it (an administrator's token without <c>admin</c> acts as a member).
/// </summary>
internal static class UserEndpoints
{
    public static RouteGroupBuilder MapUserEndpoints(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users");
        users.MapGet("", ListAsync).RequireScope(ApiScope.Admin).WithSummary("Every account");
        users.MapGet("/{userId:guid}", GetAsync).RequireScope(ApiScope.Admin).WithSummary("One account");
        users.MapPost("", CreateAsync).RequireScope(ApiScope.Admin).WithSummary("Create an account with a password");
        users.MapPut("/{userId:guid}/role", ChangeRoleAsync).RequireScope(ApiScope.Admin).WithSummary("Make an account a member or an administrator");
        users.MapPost("/{userId:guid}/disable", DisableAsync).RequireScope(ApiScope.Admin).WithSummary("Disable an account and end its sessions");
        users.MapPost("/{userId:guid}/enable", EnableAsync).RequireScope(ApiScope.Admin).WithSummary("Enable a disabled account");
        users.MapPut("/{userId:guid}/password", ResetPasswordAsync).RequireScope(ApiScope.Admin).WithSummary("Set a new password, end the account's sessions and revoke its API tokens");
        return api;
    }

    private static Task<Results<Ok<Page<UserResponse>>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, UserAdministration administration, int? limit, string? cursor, CancellationToken ct) =>
        PageRequest.AnswerAsync(limit, cursor, _ => administration.ListAsync(user.ToApiActor(), ct), UserResponse.From);

    private static Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetAsync(Guid userId, ClaimsPrincipal user, UserAdministration administration, CancellationToken ct) =>
        AnswerAsync(user.ToApiActor(), userId, administration, Result.Success, ct);

    private static async Task<Results<Created<UserResponse>, ProblemHttpResult>> CreateAsync(
        UserRequest body, ClaimsPrincipal user, UserAdministration administration, CancellationToken ct)
    {
        if (!TryReadRole(body.Role ?? "member", out var role))
        {
            return ApiResults.Validation("Role", "Choose member or admin.");
        }

        var result = await administration.CreateAsync(user.ToApiActor(), new NewUserInput(body.Login, body.DisplayName ?? body.Login, body.Password, role), ct);
        return result.IsSuccess
            ? TypedResults.Created($"{ApiEndpoints.Prefix}/users/{result.Value.Id}", UserResponse.From(result.Value))
            : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> ChangeRoleAsync(
        Guid userId, UserRoleRequest body, ClaimsPrincipal user, UserAdministration administration, CancellationToken ct)
    {
        if (!TryReadRole(body.Role, out var role))
        {
            return ApiResults.Validation("Role", "Choose member or admin.");
        }

        var actor = user.ToApiActor();
        return await AnswerAsync(actor, userId, administration, await administration.ChangeRoleAsync(actor, userId, role, ct), ct);
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> DisableAsync(Guid userId, ClaimsPrincipal user, UserAdministration administration, CancellationToken ct)
    {
        var actor = user.ToApiActor();
        return await AnswerAsync(actor, userId, administration, await administration.SetDisabledAsync(actor, userId, disabled: true, ct), ct);
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> EnableAsync(Guid userId, ClaimsPrincipal user, UserAdministration administration, CancellationToken ct)
    {
        var actor = user.ToApiActor();
        return await AnswerAsync(actor, userId, administration, await administration.SetDisabledAsync(actor, userId, disabled: false, ct), ct);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ResetPasswordAsync(
        Guid userId, UserPasswordRequest body, ClaimsPrincipal user, UserAdministration administration, CancellationToken ct)
    {
        var result = await administration.ResetPasswordAsync(user.ToApiActor(), userId, body.Password, ct);
        return result.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(result.Error!);
    }

    /// <summary>The account as it is after <paramref name="done"/>, or the refusal.</summary>
    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> AnswerAsync(
        Actor actor, Guid userId, UserAdministration administration, Result done, CancellationToken ct)
    {
        if (!done.IsSuccess)
        {
            return ApiResults.Problem(done.Error!);
        }

        var found = await administration.GetAsync(actor, userId, ct);
        return found.IsSuccess ? TypedResults.Ok(UserResponse.From(found.Value)) : ApiResults.Problem(found.Error);
    }

    private static bool TryReadRole(string? text, out UserRole role)
    {
        role = UserRole.Member;
        return !string.IsNullOrEmpty(text) && text.All(char.IsAsciiLetter)
            && Enum.TryParse(text, ignoreCase: true, out role) && Enum.IsDefined(role);
    }
}
