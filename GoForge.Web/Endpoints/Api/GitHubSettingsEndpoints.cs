using System.Security.Claims;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Identity.GitHub;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// The GitHub sign-in settings through <see cref="GitHubSettingsAdministration"/>, as the settings page edits them: the
/// <c>admin</c> scope and Core's administrator check. The OAuth client secret is write-only: answers say whether one is set.
/// </summary>
internal static class GitHubSettingsEndpoints
{
    public static RouteGroupBuilder MapGitHubSettingsEndpoints(this RouteGroupBuilder api)
    {
        var settings = api.MapGroup("/settings/github").WithTags("Administration");
        settings.MapGet("", GetAsync).RequireScope(ApiScope.Admin).WithSummary("The GitHub sign-in settings in effect (never the client secret)");
        settings.MapPut("", SaveAsync).RequireScope(ApiScope.Admin).WithSummary("Change the GitHub sign-in settings (a blank client secret keeps the current one)");
        settings.MapDelete("", ResetAsync).RequireScope(ApiScope.Admin).WithSummary("Forget the stored settings and use the configuration file's again");
        return api;
    }

    private static async Task<Results<Ok<GitHubSettingsView>, ProblemHttpResult>> GetAsync(ClaimsPrincipal user, GitHubSettingsAdministration settings, CancellationToken ct) =>
        Answer(await settings.GetAsync(user.ToApiActor(), ct));

    private static async Task<Results<Ok<GitHubSettingsView>, ProblemHttpResult>> SaveAsync(
        GitHubSettingsRequest body, ClaimsPrincipal user, GitHubSettingsAdministration settings, CancellationToken ct) =>
        Answer(await settings.SaveAsync(user.ToApiActor(), new GitHubSettingsInput(body.Enabled, body.ClientId, body.ClientSecret, body.BaseUrl, body.ApiUrl, body.AllowSignUp), ct), RequestNames);

    /// <summary>Core names the form's field <c>NewClientSecret</c>; this request calls it <c>clientSecret</c>.</summary>
    private static readonly Dictionary<string, string> RequestNames = new(StringComparer.Ordinal) { [nameof(GitHubSettingsInput.NewClientSecret)] = nameof(GitHubSettingsRequest.ClientSecret) };

    private static async Task<Results<Ok<GitHubSettingsView>, ProblemHttpResult>> ResetAsync(ClaimsPrincipal user, GitHubSettingsAdministration settings, CancellationToken ct) =>
        Answer(await settings.ResetToConfigurationAsync(user.ToApiActor(), ct));

    private static Results<Ok<GitHubSettingsView>, ProblemHttpResult> Answer(Core.Common.Result<GitHubSettingsView> result, Dictionary<string, string>? renamed = null)
    {
        if (result.IsSuccess)
        {
            return TypedResults.Ok(result.Value);
        }

        if (renamed is null || result.Error.Kind != Core.Common.ErrorKind.Validation)
        {
            return ApiResults.Problem(result.Error);
        }

        var errors = new Core.Common.FieldErrors();
        foreach (var (field, messages) in result.Error.FieldErrors)
        {
            foreach (var message in messages)
            {
                errors.Add(renamed.TryGetValue(field, out var name) ? name : field, message);
            }
        }

        return ApiResults.Problem(errors.ToError());
    }
}

/// <summary>The settings to store; <c>clientSecret</c> replaces the secret when given, and is never answered back.</summary>
public sealed record GitHubSettingsRequest(bool Enabled, string? ClientId, string? ClientSecret, string? BaseUrl, string? ApiUrl, bool AllowSignUp);
