using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GoForge.Tests.Support;

/// <summary>A person with a GitHub account on the stand-in, with GitHub's numeric id and their primary e-mail address.</summary>
public sealed record FakeGitHubUser(long Id, string Login, string? Name, string Email, bool EmailVerified = true);

/// <summary>
/// A stand-in GitHub on 127.0.0.1 that speaks the endpoints GoForge uses, with GitHub's shapes and checks: the authorize
/// redirect (client id, redirect URI, state, S256 code challenge, scopes), the code exchange (client secret, one-use
/// code, redirect URI, PKCE verifier against the challenge; errors as 200 with an <c>error</c> field, as GitHub does),
/// and the REST API under <c>/api/v3</c> (GitHub Enterprise's layout): <c>/user</c> and <c>/user/emails</c> with a
/// bearer token. Whoever <see cref="SignedIn"/> names is "signed in at GitHub" and approves at once.
/// </summary>
public sealed class FakeGitHub : IAsyncDisposable
{
    public const string ClientId = "Iv1.goforge-tests";
    public const string ClientSecret = "fake-github-client-secret-5f1e2d3c";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _clients = new(StringComparer.Ordinal) { [ClientId] = ClientSecret };
    private readonly ConcurrentDictionary<string, IssuedCode> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FakeGitHubUser> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private FakeGitHub(WebApplication app) => _app = app;

    /// <summary>The person signed in at GitHub; the authorize page approves as them. Null: nobody (the page refuses).</summary>
    public FakeGitHubUser? SignedIn { get; set; }

    /// <summary>The next authorize answers <c>error=access_denied</c>, as when the person clicks Cancel at GitHub.</summary>
    public bool DenyNext { get; set; }

    public Uri BaseUrl { get; private set; } = null!;

    public Uri ApiUrl => new(BaseUrl, "api/v3");

    /// <summary>Every request the stand-in answered, in order.</summary>
    public IReadOnlyCollection<RecordedRequest> Requests => _requests;

    /// <summary>Access tokens handed out so far (to check GoForge keeps none).</summary>
    public IReadOnlyList<string> IssuedTokens => [.. _tokens.Keys];

    /// <summary>The configuration that points GoForge at this stand-in, as <c>GoForge:GitHub:*</c> settings.</summary>
    public Dictionary<string, string?> Settings(bool allowSignUp = false) => new()
    {
        ["GoForge:GitHub:Enabled"] = "true",
        ["GoForge:GitHub:ClientId"] = ClientId,
        ["GoForge:GitHub:ClientSecret"] = ClientSecret,
        ["GoForge:GitHub:BaseUrl"] = BaseUrl.ToString(),
        ["GoForge:GitHub:ApiUrl"] = ApiUrl.ToString(),
        ["GoForge:GitHub:AllowSignUp"] = allowSignUp ? "true" : "false",
    };

    /// <summary>Another OAuth app the stand-in knows.</summary>
    public void RegisterClient(string clientId, string clientSecret) => _clients[clientId] = clientSecret;

    /// <summary>Issues a code to <paramref name="user"/> for a sign-in that is not the caller's (an attacker's own flow).</summary>
    public string IssueCode(FakeGitHubUser user, string redirectUri, string codeChallenge)
    {
        var code = Random();
        _codes[code] = new IssuedCode(user, ClientId, redirectUri, codeChallenge);
        return code;
    }

    public static async Task<FakeGitHub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeGitHub(app);
        app.Use(async (context, next) =>
        {
            fake._requests.Enqueue(await RecordedRequest.FromAsync(context.Request));
            await next(context);
        });
        app.MapGet("/login/oauth/authorize", fake.Authorize);
        app.MapPost("/login/oauth/access_token", fake.ExchangeAsync);
        app.MapGet("/api/v3/user", fake.User);
        app.MapGet("/api/v3/user/emails", fake.Emails);
        await app.StartAsync();
        fake.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private IResult Authorize(HttpRequest request)
    {
        var q = request.Query;
        string clientId = q["client_id"].ToString(), redirectUri = q["redirect_uri"].ToString(), state = q["state"].ToString();
        string challenge = q["code_challenge"].ToString(), method = q["code_challenge_method"].ToString();
        var scopes = q["scope"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!_clients.ContainsKey(clientId))
        {
            return Results.NotFound("No OAuth app with this client id.");
        }

        if (q["response_type"] != "code" || !Uri.TryCreate(redirectUri, UriKind.Absolute, out var callback) || state.Length == 0)
        {
            return Results.BadRequest("response_type=code, an absolute redirect_uri and a state are required.");
        }

        if (challenge.Length < 43 || method != "S256")
        {
            return Results.BadRequest("PKCE is required: code_challenge with code_challenge_method=S256.");
        }

        if (!scopes.Contains("read:user") || !scopes.Contains("user:email"))
        {
            return Results.BadRequest("Expected the scopes read:user and user:email.");
        }

        var separator = string.IsNullOrEmpty(callback.Query) ? "?" : "&";
        if (DenyNext)
        {
            DenyNext = false;
            return Results.Redirect($"{redirectUri}{separator}error=access_denied&error_description=The+user+has+denied+your+application+access.&state={Uri.EscapeDataString(state)}");
        }

        if (SignedIn is not { } user)
        {
            return Results.Unauthorized();
        }

        var code = Random();
        _codes[code] = new IssuedCode(user, clientId, redirectUri, challenge);
        return Results.Redirect($"{redirectUri}{separator}code={code}&state={Uri.EscapeDataString(state)}");
    }

    private async Task<IResult> ExchangeAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        string clientId = form["client_id"].ToString(), secret = form["client_secret"].ToString(), code = form["code"].ToString();
        if (!_clients.TryGetValue(clientId, out var expectedSecret) || !string.Equals(expectedSecret, secret, StringComparison.Ordinal))
        {
            return TokenError("incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.");
        }

        // A code works once, for the app and redirect URI it was issued to, and only with the verifier of its challenge.
        if (!_codes.TryRemove(code, out var issued) || issued.ClientId != clientId)
        {
            return TokenError("bad_verification_code", "The code passed is incorrect or expired.");
        }

        if (form.TryGetValue("redirect_uri", out var redirectUri) && redirectUri != issued.RedirectUri)
        {
            return TokenError("redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL for this application.");
        }

        var verifier = form["code_verifier"].ToString();
        if (verifier.Length == 0 || !string.Equals(S256(verifier), issued.CodeChallenge, StringComparison.Ordinal))
        {
            return TokenError("bad_verification_code", "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.");
        }

        var token = $"gho_{Random()}";
        _tokens[token] = issued.User;
        return Results.Json(new { access_token = token, token_type = "bearer", scope = "read:user,user:email" });
    }

    private IResult User(HttpRequest request)
    {
        if (Bearer(request) is not { } user)
        {
            return RequiresAuthentication();
        }

        return Results.Json(new Dictionary<string, object?>
        {
            ["login"] = user.Login,
            ["id"] = user.Id,
            ["node_id"] = $"U_{user.Id}",
            ["avatar_url"] = $"https://avatars.githubusercontent.com/u/{user.Id}?v=4",
            ["html_url"] = $"https://github.com/{user.Login}",
            ["type"] = "User",
            ["site_admin"] = false,
            ["name"] = user.Name,
            ["company"] = null,
            ["blog"] = "",
            ["location"] = null,
            ["email"] = null, // the public address; most people keep it private
            ["hireable"] = null,
            ["bio"] = null,
            ["public_repos"] = 2,
            ["followers"] = 0,
            ["following"] = 0,
            ["created_at"] = "2011-01-25T18:44:36Z",
            ["updated_at"] = "2026-01-05T10:00:00Z",
        });
    }

    private IResult Emails(HttpRequest request)
    {
        if (Bearer(request) is not { } user)
        {
            return RequiresAuthentication();
        }

        return Results.Json(new object[]
        {
            new { email = $"{user.Id}+{user.Login}@users.noreply.github.com", primary = false, verified = true, visibility = (string?)null },
            new { email = user.Email, primary = true, verified = user.EmailVerified, visibility = "private" },
        });
    }

    private FakeGitHubUser? Bearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) && _tokens.TryGetValue(header["Bearer ".Length..], out var user) ? user : null;
    }

    private static IResult RequiresAuthentication() => Results.Json(
        new { message = "Requires authentication", documentation_url = "https://docs.github.com/rest/users/users#get-the-authenticated-user", status = "401" },
        statusCode: StatusCodes.Status401Unauthorized);

    private static IResult TokenError(string error, string description) =>
        Results.Json(new { error, error_description = description, error_uri = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors" });

    private static string S256(string verifier) => System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private static string Random() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    private sealed record IssuedCode(FakeGitHubUser User, string ClientId, string RedirectUri, string CodeChallenge);
}

/// <summary>One request the stand-in received: its path, query or form fields, and whether it carried a bearer token.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Fields, string? Authorization)
{
    public static async Task<RecordedRequest> FromAsync(HttpRequest request)
    {
        var fields = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        if (request.HasFormContentType)
        {
            foreach (var (key, value) in await request.ReadFormAsync())
            {
                fields[key] = value.ToString();
            }
        }

        return new RecordedRequest(request.Method, request.Path.Value ?? string.Empty, fields, request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null);
    }
}
