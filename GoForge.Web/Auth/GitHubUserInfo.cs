using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using GoForge.Core.Identity.GitHub;
using Microsoft.AspNetCore.Authentication;

namespace GoForge.Web.Auth;

/// <summary>Asks GitHub's <c>/user</c> and <c>/user/emails</c> who the token belongs to, and carries the answer as claims.</summary>
internal static class GitHubUserInfo
{
    private const string IdClaim = "urn:github:id";
    private const string LoginClaim = "urn:github:login";
    private const string NameClaim = "urn:github:name";
    private const string EmailClaim = "urn:github:email";

    public static async Task<GitHubIdentity> FetchAsync(HttpClient backchannel, string accessToken, string userEndpoint, CancellationToken ct)
    {
        using var user = await GetJsonAsync(backchannel, accessToken, userEndpoint, ct)
            ?? throw new AuthenticationFailureException("GitHub's user endpoint did not answer with the user.");
        var root = user.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.Number || !idElement.TryGetInt64(out var id)
            || !root.TryGetProperty("login", out var loginElement) || loginElement.ValueKind != JsonValueKind.String)
        {
            throw new AuthenticationFailureException("GitHub's user endpoint answered without a numeric id and a login.");
        }

        var name = root.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String ? nameElement.GetString() : null;

        // A missing e-mail answer (a scope not granted, an Enterprise server without it) costs only the display.
        using var emails = await GetJsonAsync(backchannel, accessToken, GitHubSignIn.EmailsEndpoint(userEndpoint), ct);
        return new GitHubIdentity(id, loginElement.GetString()!, name, VerifiedPrimary(emails));
    }

    public static IEnumerable<Claim> ToClaims(GitHubIdentity identity)
    {
        yield return new Claim(IdClaim, identity.Id.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64);
        yield return new Claim(LoginClaim, identity.Login);
        if (identity.Name is { } name)
        {
            yield return new Claim(NameClaim, name);
        }

        if (identity.VerifiedPrimaryEmail is { } email)
        {
            yield return new Claim(EmailClaim, email);
        }
    }

    public static GitHubIdentity? FromPrincipal(ClaimsPrincipal? principal) =>
        principal?.FindFirst(IdClaim)?.Value is { } id && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var gitHubId)
            && principal.FindFirst(LoginClaim)?.Value is { } login
            ? new GitHubIdentity(gitHubId, login, principal.FindFirst(NameClaim)?.Value, principal.FindFirst(EmailClaim)?.Value)
            : null;

    /// <summary>The address marked both primary and verified; an unverified address is never taken for anyone's.</summary>
    private static string? VerifiedPrimary(JsonDocument? emails)
    {
        if (emails?.RootElement is not { ValueKind: JsonValueKind.Array } list)
        {
            return null;
        }

        foreach (var entry in list.EnumerateArray())
        {
            if (entry.ValueKind == JsonValueKind.Object
                && entry.TryGetProperty("primary", out var primary) && primary.ValueKind == JsonValueKind.True
                && entry.TryGetProperty("verified", out var verified) && verified.ValueKind == JsonValueKind.True
                && entry.TryGetProperty("email", out var email) && email.ValueKind == JsonValueKind.String)
            {
                return email.GetString();
            }
        }

        return null;
    }

    private static async Task<JsonDocument?> GetJsonAsync(HttpClient backchannel, string accessToken, string url, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        request.Headers.Add("X-GitHub-Api-Version", "2022-11-28");
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("GoForge", "1.0"));
        using var response = await backchannel.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        await using var body = await response.Content.ReadAsStreamAsync(ct);
        return await JsonDocument.ParseAsync(body, cancellationToken: ct);
    }
}
