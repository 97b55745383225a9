using GoForge.Core.Identity;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace GoForge.Web.Hosting;

/// <summary>
/// Once the server listens, prints the one-time setup link if no user exists yet. The link is the
/// only way to create the first administrator.
/// </summary>
internal sealed class SetupLinkAnnouncer(
    SetupService setup,
    IServer server,
    IHostApplicationLifetime lifetime,
    IOptions<GoForgeWebOptions> options,
    ILogger<SetupLinkAnnouncer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task;
        }

        var token = await setup.IssueTokenIfNeededAsync(stoppingToken);
        if (token is null)
        {
            return;
        }

        var baseUrl = options.Value.PublicUrl?.ToString()
            ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? "http://127.0.0.1:5080";
        WebLog.SetupLink(logger, $"{baseUrl.TrimEnd('/')}/setup?token={token}");
    }
}
