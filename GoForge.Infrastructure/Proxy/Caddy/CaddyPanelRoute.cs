using GoForge.Core.Reconciliation;
using GoForge.Core.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Proxy.Caddy;

/// <summary>The panel's public address, handed over by the web host (which owns <c>GoForge:PublicUrl</c>).</summary>
internal sealed record CaddyPanelSite(Uri? PublicUrl);

/// <summary>
/// Keeps the panel's own route in Caddy (<see cref="CaddyRoutes.PanelRouteId"/>: the host of <c>GoForge:PublicUrl</c> →
/// <see cref="CaddyOptions.PanelUpstream"/>), so Caddy's automatic HTTPS gets the panel a certificate and nothing
/// but GoForge configures Caddy. From start: tries until Caddy answers (each attempt with its own time-out, 1 s to
/// 30 s apart), then checks every <see cref="CaddyOptions.PanelRouteCheckInterval"/>. A check that finds the route
/// gone (Caddy restarted from its base config) puts it back and wakes the reconciler, which puts the applications'
/// routes back. Does nothing unless the proxy is Caddy and the upstream is set.
/// </summary>
internal sealed class CaddyPanelRoute(
    CaddyProxyRoutes routes,
    IOptions<ProxyOptions> proxy,
    IOptions<CaddyOptions> options,
    CaddyPanelSite site,
    ReconcileSignal reconcile,
    ILogger<CaddyPanelRoute> logger) : BackgroundService
{
    internal static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    /// <summary>Set once the route was first in place; a later check that has to add it again means Caddy lost it.</summary>
    private bool _placed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (proxy.Value.Kind != ProxyKind.Caddy || settings.PanelUpstream is not { } dial || site.PublicUrl is not { } url)
        {
            return;
        }

        var host = url.IdnHost;
        var retry = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                await EnsureAsync(host, dial, settings, stoppingToken);
                retry = FirstRetry;
                wait = settings.PanelRouteCheckInterval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is ProxyException or OperationCanceledException or System.Text.Json.JsonException)
            {
                var reason = e is OperationCanceledException ? $"no answer within {AttemptTimeout(settings).TotalSeconds:0.#} s" : e.Message;
                logger.PanelRouteFailed(settings.AdminEndpoint, reason, retry.TotalSeconds);
                wait = retry;
                retry = retry * 2 > LongestRetry ? LongestRetry : retry * 2;
            }

            try
            {
                await Task.Delay(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task EnsureAsync(string host, string dial, CaddyOptions settings, CancellationToken stoppingToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        attempt.CancelAfter(AttemptTimeout(settings));
        var changed = await routes.EnsurePanelRouteAsync(host, dial, attempt.Token);
        if (!_placed)
        {
            _placed = true;
            logger.PanelRoutePlaced(host, dial);
        }
        else if (changed)
        {
            logger.PanelRouteRestored(host);
            reconcile.Wake();
        }
    }

    /// <summary>An attempt makes up to three admin calls (read, replace, add), each within the request time-out.</summary>
    private static TimeSpan AttemptTimeout(CaddyOptions settings) => settings.RequestTimeout * 3;
}

public static class CaddyPanelRouteRegistration
{
    /// <summary>
    /// The panel's own route in Caddy (<see cref="CaddyPanelRoute"/>), for the panel process only: <paramref name="publicUrl"/>
    /// gives <c>GoForge:PublicUrl</c>, whose host the route matches; it must be set when
    /// <c>GoForge:Proxy:Caddy:PanelUpstream</c> is (checked on start).
    /// </summary>
    public static IServiceCollection AddCaddyPanelRoute(this IServiceCollection services, Func<IServiceProvider, Uri?> publicUrl)
    {
        services.AddSingleton(sp => new CaddyPanelSite(publicUrl(sp)));
        services.AddSingleton<IValidateOptions<CaddyOptions>, CaddyPanelSiteValidator>();
        services.AddHostedService<CaddyPanelRoute>();
        return services;
    }
}

internal sealed class CaddyPanelSiteValidator(CaddyPanelSite site) : IValidateOptions<CaddyOptions>
{
    public ValidateOptionsResult Validate(string? name, CaddyOptions options) =>
        options.PanelUpstream is not null && site.PublicUrl is null
            ? ValidateOptionsResult.Fail($"{CaddyOptions.SectionName}:{nameof(CaddyOptions.PanelUpstream)} is set, so GoForge:PublicUrl must be too: the panel's route in Caddy matches its host.")
            : ValidateOptionsResult.Success;
}
