using GoForge.Core;
using GoForge.Core.Common;
using GoForge.Infrastructure;
using GoForge.Infrastructure.Persistence;

namespace GoForge.Web.Cli;

/// <summary>
/// GoForge's Core and Infrastructure without the web server, for the local verbs: the same configuration as the
/// panel (appsettings.json, environment, <c>ConnectionStrings__GoForge</c>), options validated on start, no
/// background work (no deployment worker, no Docker events), logs at warning and above on standard error.
/// </summary>
internal sealed class LocalHost : IAsyncDisposable
{
    private readonly IHost _host;

    private LocalHost(IHost host) => _host = host;

    public static async Task<LocalHost> StartAsync(CliConsole console, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Configuration.AddInMemoryCollection(console.Settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        // The panel's Logging section would print every migration and key load; a command shows only what went wrong.
        builder.Services.PostConfigure<LoggerFilterOptions>(filters =>
        {
            filters.Rules.Clear();
            filters.MinLevel = LogLevel.Warning;
        });
        builder.AddGoForgeCore();
        builder.AddGoForgeInfrastructure();
        var host = builder.Build();
        try
        {
            await host.StartAsync(ct);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new LocalHost(host);
    }

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    /// <summary>Verbs that read or change data need the current schema; only <c>migrate</c> (and the panel) bring it there.</summary>
    public Result EnsureSchemaCurrent()
    {
        var pending = Get<DatabaseMigrator>().PendingScripts();
        return pending.Count == 0
            ? Result.Success
            : Error.Conflict($"The database schema is not current ({pending.Count} migration script(s) pending): run `migrate` first, or start the panel once.");
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
