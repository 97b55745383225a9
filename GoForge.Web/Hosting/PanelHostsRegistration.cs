using GoForge.Core.Projects;
using Microsoft.Extensions.Options;

namespace GoForge.Web.Hosting;

/// <summary>
/// The panel's own hosts, reserved from applications and services (<see cref="PanelHostsOptions"/>): besides the
/// listed <c>GoForge:Proxy:PanelHosts</c>, the host of <c>GoForge:PublicUrl</c> and every exact name in
/// <c>AllowedHosts</c> (wildcard entries reserve nothing; an IP address or <c>localhost</c> is no domain anyway).
/// </summary>
internal static class PanelHostsRegistration
{
    public static IServiceCollection AddPanelHosts(this IServiceCollection services)
    {
        services.AddOptions<PanelHostsOptions>().PostConfigure<IOptions<GoForgeWebOptions>, IConfiguration>((panel, web, configuration) =>
        {
            var candidates = (configuration["AllowedHosts"] ?? string.Empty)
                .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(h => !h.Contains('*', StringComparison.Ordinal))
                .Prepend(web.Value.PublicUrl?.IdnHost ?? string.Empty);
            foreach (var host in candidates.Select(DomainNames.Normalize).OfType<string>())
            {
                if (!panel.PanelHosts.Contains(host))
                {
                    panel.PanelHosts.Add(host);
                }
            }
        });
        return services;
    }
}
