using System.Security.Claims;
using GoForge.Core.GitProviders;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// Repository credentials of an application or of a project (for all its applications) through
/// <see cref="GitCredentialService"/>. Write-only: an HTTPS token goes in and never comes out, a generated deploy key
/// answers with its public half only. Reading says which kind is set; changing needs a maintainer (Core's rule).
/// </summary>
internal static class GitCredentialEndpoints
{
    public static RouteGroupBuilder MapGitCredentialEndpoints(this RouteGroupBuilder api)
    {
        Map(api.MapGroup("/applications/{applicationId:guid}/git-credential").WithTags("Git credentials"), "an application's", r => GitCredentialScope.Application(Id(r, "applicationId")));
        Map(api.MapGroup("/projects/{projectId:guid}/git-credential").WithTags("Git credentials"), "a project's", r => GitCredentialScope.Project(Id(r, "projectId")));
        return api;
    }

    private static void Map(RouteGroupBuilder group, string whose, Func<HttpRequest, GitCredentialScope> scopeOf)
    {
        group.MapGet("", (HttpRequest r, ClaimsPrincipal u, GitCredentialService s, CancellationToken ct) => GetAsync(scopeOf(r), u, s, ct))
            .RequireScope(ApiScope.Read).WithSummary($"Which credential {whose} clones use (never the secret)");
        group.MapPut("/token", (HttpRequest r, GitTokenRequest body, ClaimsPrincipal u, GitCredentialService s, CancellationToken ct) => SetTokenAsync(scopeOf(r), body, u, s, ct))
            .RequireScope(ApiScope.Write).WithSummary($"Store an HTTPS access token as {whose} credential (write-only)");
        group.MapPost("/deploy-key", (HttpRequest r, ClaimsPrincipal u, GitCredentialService s, CancellationToken ct) => GenerateKeyAsync(scopeOf(r), u, s, ct))
            .RequireScope(ApiScope.Write).WithSummary($"Generate a new ed25519 deploy key as {whose} credential; answers its public key");
        group.MapDelete("/host-key", (HttpRequest r, ClaimsPrincipal u, GitCredentialService s, CancellationToken ct) => ForgetHostKeyAsync(scopeOf(r), u, s, ct))
            .RequireScope(ApiScope.Write).WithSummary("Forget the pinned SSH host key (the next clone pins the new one)");
        group.MapDelete("", (HttpRequest r, ClaimsPrincipal u, GitCredentialService s, CancellationToken ct) => RemoveAsync(scopeOf(r), u, s, ct))
            .RequireScope(ApiScope.Write).WithSummary($"Remove {whose} credential");
    }

    private static Guid Id(HttpRequest request, string name) => Guid.Parse((string)request.RouteValues[name]!, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<Results<Ok<GitCredentialResponse>, NoContent, ProblemHttpResult>> GetAsync(GitCredentialScope scope, ClaimsPrincipal user, GitCredentialService credentials, CancellationToken ct)
    {
        var result = await credentials.GetAsync(user.ToApiActor(), scope, ct);
        if (!result.IsSuccess)
        {
            return ApiResults.Problem(result.Error);
        }

        return result.Value is { } view ? TypedResults.Ok(GitCredentialResponse.From(view)) : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<GitCredentialResponse>, ProblemHttpResult>> SetTokenAsync(
        GitCredentialScope scope, GitTokenRequest body, ClaimsPrincipal user, GitCredentialService credentials, CancellationToken ct) =>
        Answer(await credentials.SetTokenAsync(user.ToApiActor(), scope, new GitTokenInput(body.Username, body.Token, body.Host), ct));

    private static async Task<Results<Ok<GitCredentialResponse>, ProblemHttpResult>> GenerateKeyAsync(
        GitCredentialScope scope, ClaimsPrincipal user, GitCredentialService credentials, CancellationToken ct) =>
        Answer(await credentials.GenerateDeployKeyAsync(user.ToApiActor(), scope, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> ForgetHostKeyAsync(GitCredentialScope scope, ClaimsPrincipal user, GitCredentialService credentials, CancellationToken ct)
    {
        var result = await credentials.ForgetHostKeyAsync(user.ToApiActor(), scope, ct);
        return result.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(result.Error!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(GitCredentialScope scope, ClaimsPrincipal user, GitCredentialService credentials, CancellationToken ct)
    {
        var result = await credentials.RemoveAsync(user.ToApiActor(), scope, ct);
        return result.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(result.Error!);
    }

    private static Results<Ok<GitCredentialResponse>, ProblemHttpResult> Answer(Core.Common.Result<GitCredentialView> result) =>
        result.IsSuccess ? TypedResults.Ok(GitCredentialResponse.From(result.Value)) : ApiResults.Problem(result.Error);
}

/// <summary>An HTTPS access token to store; it is never answered back. <c>host</c>: the Git host it is sent to (blank takes the repository URL's).</summary>
public sealed record GitTokenRequest(string? Username, string? Token, string? Host = null);

/// <summary>A credential as the API shows it: the kind, the user name, a deploy key's public half; never a secret.</summary>
public sealed record GitCredentialResponse(GitCredentialKind Kind, string Username, string? PublicKey, string? Fingerprint, string? KnownHostKey, bool Inherited, DateTimeOffset UpdatedAt, string? Host = null)
{
    public static GitCredentialResponse From(GitCredentialView v) => new(v.Kind, v.Username, v.PublicKey, v.Fingerprint, v.KnownHostKey, v.Inherited, v.UpdatedAt, v.Host);
}
