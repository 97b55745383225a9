using GoForge.Core.Identity.GitHub;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace GoForge.Web.Auth;

/// <summary>
/// GitHub sign-in through ASP.NET Core's OAuth handler: authorization code with PKCE, state and correlation checked by
/// the handler, scopes <c>read:user user:email</c>. The handler never signs anyone in itself: <see cref="GitHubOAuthEvents"/>
/// asks Core who this GitHub account is and signs in with GoForge's own cookie and session; GitHub's token is dropped.
/// The handler's options follow the settings in effect (<see cref="GitHubSettingsProvider"/>) without a restart.
/// </summary>
public static class GitHubSignIn
{
    public const string Scheme = "GitHub";
    public const string CallbackPath = "/account/github/callback";

    // Kept in the handler's state parameter, which is encrypted and signed with the data-protection keys.
    internal const string ModeItem = "goforge.mode";
    internal const string InvitationItem = "goforge.invitation";
    internal const string UserItem = "goforge.user";
    internal const string SignInMode = "sign-in";
    internal const string LinkMode = "link";

    // The handler refuses options without these even while GitHub sign-in is off; nothing uses them then.
    private const string Placeholder = "github-sign-in-is-off";

    public static IServiceCollection AddGitHubSignIn(this IServiceCollection services)
    {
        services.AddSingleton<SignInNotice>();
        services.AddScoped<GitHubOAuthEvents>();
        services.AddHostedService<GitHubSettingsPreload>();
        services.AddSingleton<IOptionsChangeTokenSource<OAuthOptions>, GitHubOAuthOptionsChangeSource>();
        services.AddAuthentication().AddOAuth(Scheme, "GitHub", oauth =>
        {
            oauth.CallbackPath = CallbackPath;
            oauth.UsePkce = true;
            oauth.SaveTokens = false;
            oauth.Scope.Clear();
            oauth.Scope.Add("read:user");
            oauth.Scope.Add("user:email");
            oauth.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            oauth.RemoteAuthenticationTimeout = TimeSpan.FromMinutes(10);

            // GitHub returns with a top-level GET, which Lax cookies survive; Secure only over HTTPS, like the session
            // cookie, so a panel on plain HTTP (a LAN, a test) can still finish the flow.
            oauth.CorrelationCookie.SameSite = SameSiteMode.Lax;
            oauth.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            oauth.EventsType = typeof(GitHubOAuthEvents);
        });
        services.AddOptions<OAuthOptions>(Scheme).Configure<GitHubSettingsProvider>((oauth, provider) => Apply(oauth, provider.Current));
        return services;
    }

    internal static string AuthorizationEndpoint(GitHubSettings settings) => Combine(settings.BaseUrl, "login/oauth/authorize");

    internal static string TokenEndpoint(GitHubSettings settings) => Combine(settings.BaseUrl, "login/oauth/access_token");

    internal static string UserEndpoint(GitHubSettings settings) => Combine(settings.ApiUrl, "user");

    /// <summary>The address of <c>/user/emails</c>, next to the user endpoint the handler was given.</summary>
    internal static string EmailsEndpoint(string userEndpoint) => $"{userEndpoint.TrimEnd('/')}/emails";

    private static void Apply(OAuthOptions oauth, GitHubSettings settings)
    {
        oauth.ClientId = settings.IsActive ? settings.ClientId : Placeholder;
        oauth.ClientSecret = settings.IsActive ? settings.ClientSecret : Placeholder;
        oauth.AuthorizationEndpoint = AuthorizationEndpoint(settings);
        oauth.TokenEndpoint = TokenEndpoint(settings);
        oauth.UserInformationEndpoint = UserEndpoint(settings);
    }

    // Appends to the path: GitHub Enterprise's API lives under /api/v3, which new Uri(base, "user") would drop.
    private static string Combine(Uri root, string path) => $"{root.AbsoluteUri.TrimEnd('/')}/{path}";

    /// <summary>Rebuilds the handler's options whenever the GitHub settings change (saved on the Settings page).</summary>
    private sealed class GitHubOAuthOptionsChangeSource(GitHubSettingsProvider provider) : IOptionsChangeTokenSource<OAuthOptions>
    {
        public string Name => Scheme;

        public IChangeToken GetChangeToken() => provider.GetChangeToken();
    }

    /// <summary>Loads the settings before the server listens, so the handler's options never wait on the database.</summary>
    private sealed class GitHubSettingsPreload(GitHubSettingsProvider provider) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => provider.ReloadAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
