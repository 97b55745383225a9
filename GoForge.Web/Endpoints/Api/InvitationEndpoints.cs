using System.Security.Claims;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Identity.GitHub;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// GitHub sign-up invitations through <see cref="InvitationService"/>, as the settings page manages them: the
/// <c>admin</c> scope and Core's administrator check. The invitation's link is in the creating answer only.
/// </summary>
internal static class InvitationEndpoints
{
    public static RouteGroupBuilder MapInvitationEndpoints(this RouteGroupBuilder api)
    {
        var invitations = api.MapGroup("/invitations").WithTags("Users");
        invitations.MapGet("", ListAsync).RequireScope(ApiScope.Admin).WithSummary("GitHub sign-up invitations, newest first");
        invitations.MapPost("", CreateAsync).RequireScope(ApiScope.Admin).WithSummary("Create an invitation; its link is in this answer only");
        invitations.MapDelete("/{invitationId:guid}", RevokeAsync).RequireScope(ApiScope.Admin).WithSummary("Revoke an unused invitation");
        return api;
    }

    private static Task<Results<Ok<Page<InvitationResponse>>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, InvitationService invitations, TimeProvider time, int? limit, string? cursor, CancellationToken ct) =>
        PageRequest.AnswerAsync(limit, cursor, _ => invitations.ListAsync(user.ToApiActor(), ct), i => InvitationResponse.From(i, time.GetUtcNow()));

    private static async Task<Results<Created<CreatedInvitationResponse>, ProblemHttpResult>> CreateAsync(
        InvitationRequest body, ClaimsPrincipal user, InvitationService invitations, TimeProvider time, CancellationToken ct)
    {
        var roleText = body.Role ?? "member";
        if (roleText.Length == 0 || !roleText.All(char.IsAsciiLetter) || !Enum.TryParse<UserRole>(roleText, ignoreCase: true, out var role) || !Enum.IsDefined(role))
        {
            return ApiResults.Validation("Role", "Choose member or admin.");
        }

        if (body.ValidForHours is < 1 or > 24 * 30)
        {
            return ApiResults.Validation("ValidForHours", "An invitation is valid for 1 hour to 30 days.");
        }

        TimeSpan? validFor = body.ValidForHours is { } hours ? TimeSpan.FromHours(hours) : null;
        var result = await invitations.CreateAsync(user.ToApiActor(), new NewInvitationInput(body.Note, role, validFor), ct);
        return result.IsSuccess
            ? TypedResults.Created($"{ApiEndpoints.Prefix}/invitations", new CreatedInvitationResponse(
                InvitationResponse.From(result.Value.Invitation, time.GetUtcNow()), "/invite/" + Uri.EscapeDataString(result.Value.Token)))
            : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(Guid invitationId, ClaimsPrincipal user, InvitationService invitations, CancellationToken ct)
    {
        var result = await invitations.RevokeAsync(user.ToApiActor(), invitationId, ct);
        return result.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(result.Error!);
    }
}

/// <summary>A new invitation: <c>role</c> <c>member</c> (default) or <c>admin</c>, valid 1 hour to 30 days (default 7 days).</summary>
public sealed record InvitationRequest(string? Note, string? Role, int? ValidForHours);

public sealed record InvitationResponse(Guid Id, UserRole Role, string? Note, InvitationStatus Status, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? UsedAt)
{
    public static InvitationResponse From(Invitation i, DateTimeOffset now) => new(i.Id, i.Role, i.Note, i.StatusAt(now), i.CreatedAt, i.ExpiresAt, i.UsedAt);
}

/// <param name="Path">The sign-up link's path (append it to the panel's public address); shown in this answer only.</param>
public sealed record CreatedInvitationResponse(InvitationResponse Invitation, string Path);
