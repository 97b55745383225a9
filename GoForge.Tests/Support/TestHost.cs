using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core;
using GoForge.Core.Containers;
using GoForge.Infrastructure;
using GoForge.Infrastructure.Crypto;
using GoForge.Infrastructure.Docker;
using GoForge.Infrastructure.Persistence;
using GoForge.Tests.Harness;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GoForge.Tests.Support;

/// <summary>
/// GoForge's Core and Infrastructure wired exactly as the panel wires them, against a fresh, migrated
/// database on the test PostgreSQL server.
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private TestHost(IHost host, string connectionString, string dataPath)
    {
        _host = host;
        ConnectionString = connectionString;
        DataPath = dataPath;
    }

    public string ConnectionString { get; }

    /// <summary>A temporary <c>GoForge:DataPath</c> (key files), removed at dispose; a test's own setting wins.</summary>
    public string DataPath { get; }

    public IServiceProvider Services => _host.Services;

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    public static async Task<TestHost> StartAsync(
        PostgresFixture postgres, string prefix, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        await StartOnAsync(await postgres.CreateDatabaseAsync(prefix), settings, services);

    /// <summary>
    /// A host on an existing database, as a restarted panel: migrations run again (a no-op when current). To read what
    /// an earlier host encrypted, pass the same <c>GoForge:DataPath</c> in <paramref name="settings"/>.
    /// </summary>
    public static async Task<TestHost> StartOnAsync(
        string connectionString, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var dataPath = Directory.CreateTempSubdirectory("goforge-host-").FullName;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:GoForge"] = connectionString,
            ["GoForge:DataPath"] = dataPath,
            ["GoForge:Docker:Endpoint"] = "unix:///nonexistent/docker.sock",
            // Tests clone local bare repositories and servers on 127.0.0.1 (see TestGitClients); a test's own setting,
            // or an administrator's saved one, wins.
            ["GoForge:Git:AllowLocalAndPrivateRepositories"] = "true",
            // Traefik is the default proxy, and no Traefik reads the route files a test host writes (into its DataPath):
            // a redeploy need not wait for one to reload. TraefikFileRoutesTests proves the wait; a test's own setting wins.
            ["GoForge:Proxy:Traefik:ReloadDelay"] = "00:00:00",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddLogging();
        services?.Invoke(builder.Services); // before GoForge's own registrations, so replacements (e.g. TimeProvider) win
        builder.AddGoForgeCore();
        builder.AddGoForgeInfrastructure();

        // The panel runs the service worker (WebRegistration): services are created, started and changed through it.
        builder.Services.AddHostedService<GoForge.Core.Services.ServiceWorker>();
        var host = builder.Build();
        try
        {
            host.Services.GetRequiredService<DatabaseMigrator>().Migrate();
            if (host.Services.GetService<SecretKeyCheck>() is { } secretKeyCheck)
            {
                await secretKeyCheck.VerifyAsync(); // as the panel does right after migrating
            }

            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            DeleteFolder(dataPath);
            throw;
        }

        return new TestHost(host, connectionString, dataPath);
    }

    public async ValueTask DisposeAsync()
    {
        var installation = await InstallationOnRealEngineAsync();
        await _host.StopAsync();
        if (installation is not null)
        {
            await PruneNetworksAsync(installation.Value);
        }

        _host.Dispose();
        DeleteFolder(DataPath);
    }

    /// <summary>
    /// This installation's id when the host drives a real engine (a test set <c>GoForge:Docker:Endpoint</c>), else null.
    /// </summary>
    private async Task<Guid?> InstallationOnRealEngineAsync()
    {
        if (Get<IOptions<DockerOptions>>().Value.Endpoint.AbsolutePath.StartsWith("/nonexistent/", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return await Get<InstallationIdentity>().IdAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            return null; // the test dropped its database: nothing of this host can be told apart any more
        }
    }

    /// <summary>
    /// Removes the environment networks this installation made that no container uses any more. Every test project gets
    /// networks, and a run of hundreds of hosts would otherwise use up the engine's address pools; a network a test
    /// left a container on stays, as the product would leave it.
    /// </summary>
    private async Task PruneNetworksAsync(Guid installation)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await Get<DockerClientProvider>().Client.Networks.PruneNetworksAsync(
                new NetworksDeleteUnusedParameters
                {
                    Filters = new Dictionary<string, IDictionary<string, bool>>
                    {
                        ["label"] = new Dictionary<string, bool> { [$"{GoForgeLabels.Installation}={installation}"] = true },
                    },
                },
                timeout.Token);
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or OperationCanceledException)
        {
            // The test stopped or killed its engine: there is nothing to prune on it.
        }
    }

    private static void DeleteFolder(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
