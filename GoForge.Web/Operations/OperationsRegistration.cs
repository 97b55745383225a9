using GoForge.Core.Operations;
using GoForge.Infrastructure.Operations;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace GoForge.Web.Operations;

/// <summary>Health and readiness probes, OpenTelemetry metrics in Prometheus format, and the JSON console log option.</summary>
public static class OperationsRegistration
{
    public const string HealthPath = "/healthz";
    public const string ReadyPath = "/readyz";
    public const string MetricsPath = "/metrics";

    public static IHostApplicationBuilder AddGoForgeOperations(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddGoForgeHealthChecks();

        services.AddOptions<MetricsOptions>()
            .BindConfiguration(MetricsOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        services.AddSingleton<MetricsAccess>();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("goforge"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(GoForgeMetrics.MeterName)
                // Every scrape sees the figures of that moment (Prometheus scrapes every 15 s or so; nothing to cache).
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));

        // Logging is set up before any options validation can run, so the switch is read here, once.
        services.AddOptions<GoForgeLoggingOptions>().BindConfiguration(GoForgeLoggingOptions.SectionName).ValidateOnStart();
        if (builder.Configuration.GetSection(GoForgeLoggingOptions.SectionName).Get<GoForgeLoggingOptions>() is { Json: true })
        {
            builder.Logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
                json.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
        }

        return builder;
    }

    /// <summary>Maps <c>/healthz</c>, <c>/readyz</c> (both anonymous) and <c>/metrics</c> (behind <see cref="MetricsAccess"/>).</summary>
    public static IEndpointRouteBuilder MapGoForgeOperations(this IEndpointRouteBuilder endpoints)
    {
        // Liveness: the process answers requests. No check runs, so a database outage never restarts the panel.
        endpoints.MapHealthChecks(HealthPath, Probe(_ => false)).AllowAnonymous();

        // Readiness: GoForge's database and Docker engine answer, each within GoForge:Readiness:Timeout.
        endpoints.MapHealthChecks(ReadyPath, Probe(check => check.Tags.Contains(ReadinessRegistration.ReadyTag))).AllowAnonymous();

        endpoints.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, optionsName: null,
                configureBranchedPipeline: branch => branch.Use((context, next) => context.RequestServices.GetRequiredService<MetricsAccess>().InvokeAsync(context, next)))
            .AllowAnonymous(); // the gate decides: loopback, or the bearer token
        return endpoints;
    }

    private static HealthCheckOptions Probe(Func<HealthCheckRegistration, bool> predicate) => new()
    {
        Predicate = predicate,
        ResponseWriter = HealthResponseWriter.WriteAsync,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };
}
