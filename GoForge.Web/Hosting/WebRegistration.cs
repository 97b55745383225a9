using GoForge.Core.Identity;
using GoForge.Infrastructure.Crypto;
using GoForge.Infrastructure.Persistence;
using GoForge.Web.Auth;
using GoForge.Web.Components;
using GoForge.Web.Endpoints;
using GoForge.Web.Endpoints.Api;
using GoForge.Web.Operations;
using GoForge.Web.Proxy;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace GoForge.Web.Hosting;

public static class WebRegistration
{
    /// <summary>Registers the Blazor panel, MudBlazor, cookie sign-in with server-side sessions, and rate limits.</summary>
    public static IHostApplicationBuilder AddGoForgeWeb(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GoForgeWebOptions>()
            .BindConfiguration(GoForgeWebOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<GoForgeWebOptions>, GoForgeWebOptionsValidator>();
        // The panel's data folder (keys, secret key file) is never a bind mount's source (docs/deployments/volumes.md).
        services.AddOptions<GoForge.Core.Volumes.AppVolumeOptions>().PostConfigure<IOptions<GoForgeWebOptions>, IOptions<GoForge.Infrastructure.Crypto.SecretKeyOptions>>(
            (volumes, web, keys) => volumes.ProtectedHostPaths.AddRange([web.Value.DataPath, keys.Value.DataPath]));
        services.AddSingleton<ProxyStatus>();
        services.AddHostedService<TraefikPanelRoute>();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();

        // Cookies are encrypted with keys kept in the data folder, so a restart does not sign everyone out.
        var dataPath = builder.Configuration[$"{GoForgeWebOptions.SectionName}:{nameof(GoForgeWebOptions.DataPath)}"] ?? new GoForgeWebOptions().DataPath;
        services.AddDataProtection()
            .SetApplicationName("GoForge")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataPath, "keys")));

        services.AddScoped<SessionCookieEvents>();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                cookie.LoginPath = "/login";
                cookie.LogoutPath = "/account/logout";
                cookie.AccessDeniedPath = "/login";
                cookie.Cookie.Name = "goforge.session";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.SlidingExpiration = true;
                cookie.EventsType = typeof(SessionCookieEvents);
            });
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((cookie, auth) => cookie.ExpireTimeSpan = auth.Value.SessionIdleTimeout);

        // Every endpoint needs a signed-in user unless it says otherwise (sign-in, setup, static files).
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, SessionRevalidatingAuthenticationStateProvider>();
        services.AddScoped<CurrentUser>();
        services.AddPanelHosts();

        services.AddSignInRateLimiting();
        services.AddGoForgeApi();
        services.AddWebhookRateLimiting();
        services.AddGitHubSignIn();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<GoForgeWebOptions>>((forwarded, web) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the proxies' own addresses (and loopback, the default): a peer elsewhere cannot choose its address.
            foreach (var proxy in web.Value.TrustedProxies)
            {
                if (TrustedProxyAddress.TryParse(proxy, out var address, out _))
                {
                    forwarded.KnownProxies.Add(address);
                }
            }
        });
        services.AddHostedService<SetupLinkAnnouncer>();
        services.AddListenGuard();

        // /healthz, /readyz, /metrics and the JSON console log (docs/operations.md).
        builder.AddGoForgeOperations();
        return builder;
    }

    /// <summary>Brings the database schema up to date and checks the secrets key before anything serves a request.</summary>
    public static void MigrateGoForgeDatabase(this WebApplication app)
    {
        var applied = app.Services.GetRequiredService<DatabaseMigrator>().Migrate();
        WebLog.DatabaseReady(app.Logger, applied.Count);

        // A wrong or missing secrets key stops start-up here, with the setting's name, before anything decrypts.
        app.Services.GetRequiredService<SecretKeyCheck>().Verify();
    }

    /// <summary>The request pipeline: forwarded headers, errors, auth, rate limits, antiforgery, then endpoints.</summary>
    public static WebApplication UseGoForgeWeb(this WebApplication app)
    {
        // The connection's own address, kept before forwarded headers rewrite it: /metrics decides on it.
        app.Use(PeerAddress.CaptureAsync);
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            app.UseHsts();
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseGoForgeApiEdge();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapGoForgeOperations();
        app.MapStaticAssets().AllowAnonymous();
        app.MapAccountEndpoints();
        app.MapGitHubSignInEndpoints();
        app.MapDeploymentEndpoints();
        app.MapBackupArchiveEndpoints();
        GoForge.Web.Endpoints.AuditLog.AuditLogDownloadEndpoints.MapAuditLogDownloadEndpoints(app);
        app.MapContainerLogEndpoints();
        app.MapWebhookEndpoints();
        app.MapGoForgeApiEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
