using System.Collections.Concurrent;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Tests.Harness;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GoForge.Tests.Support;

/// <summary>
/// The real GoForge web app (Program.cs, every service, migrations at start) against a fresh database.
/// With <c>kestrel: true</c> it listens on a free 127.0.0.1 port for browser tests.
/// </summary>
public sealed class GoForgeApp : WebApplicationFactory<Program>
{
    private readonly string _connectionString;
    private readonly string _dataPath = Directory.CreateTempSubdirectory("goforge-app-").FullName;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    private GoForgeApp(string connectionString, IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services)
    {
        _connectionString = connectionString;
        _settings = settings;
        _services = services;
    }

    public CapturedLogs Logs { get; } = new();

    /// <summary>The app's database, for tools that run beside it (the CLI tests).</summary>
    public string ConnectionString => _connectionString;

    /// <summary>The app's <c>GoForge:DataPath</c> (its secret key file).</summary>
    public string DataPath => _dataPath;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <param name="services">Changes to the app's services after its own registrations (e.g. <see cref="WithoutDeploymentWorker"/>).</param>
    /// <param name="listen">Where Kestrel listens instead of a free 127.0.0.1 port (kestrel mode only).</param>
    public static async Task<GoForgeApp> StartAsync(
        PostgresFixture postgres, string prefix, bool kestrel = false, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null,
        Action<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>? listen = null)
    {
        var app = new GoForgeApp(await postgres.CreateDatabaseAsync(prefix), settings ?? new Dictionary<string, string?>(), services);
        if (kestrel)
        {
            if (listen is null)
            {
                app.UseKestrel(0);
            }
            else
            {
                app.UseKestrel(listen);
            }

            app.StartServer();
        }
        else
        {
            _ = app.Server;
        }

        return app;
    }

    /// <summary>The app on a database that exists already (e.g. on a private cluster a test stops and starts).</summary>
    public static GoForgeApp StartOn(string connectionString, bool kestrel = false, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var app = new GoForgeApp(connectionString, settings ?? new Dictionary<string, string?>(), services);
        if (kestrel)
        {
            app.UseKestrel(0);
            app.StartServer();
        }
        else
        {
            _ = app.Server;
        }

        return app;
    }

    /// <summary>Where the Kestrel server listens (kestrel mode only).</summary>
    public Uri Address => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>The setup link the panel printed to its log at start.</summary>
    public async Task<Uri> SetupLinkAsync()
    {
        string? line = null;
        await Wait.UntilAsync(() => Task.FromResult((line = Logs.Messages.FirstOrDefault(m => m.Contains("/setup?token=", StringComparison.Ordinal))) is not null), "the setup link in the log");
        return new Uri(line![line!.IndexOf("http", StringComparison.Ordinal)..].Trim());
    }

    /// <summary>Leaves queued deployments pending, so a test drives their states itself (no clone of a fake repository racing it).</summary>
    public static void WithoutDeploymentWorker(IServiceCollection services) =>
        services.Remove(services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(DeploymentWorker)));

    public Task<User> CreateUserAsync(UserRole role = UserRole.Member, bool disabled = false, string? login = null) =>
        TestUsers.CreateAsync(Services, role, disabled, login);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:GoForge", _connectionString);
        builder.UseSetting("GoForge:DataPath", _dataPath);
        builder.UseSetting("GoForge:Docker:Endpoint", "unix:///nonexistent/goforge-test/docker.sock");
        // Tests clone local bare repositories and servers on 127.0.0.1 (see TestGitClients); a test's own setting wins.
        builder.UseSetting("GoForge:Git:AllowLocalAndPrivateRepositories", "true");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

/// <summary>Keeps every formatted log message, so tests can read what an operator would see.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyCollection<string> Messages => _messages;

    public ILogger CreateLogger(string categoryName) => new Logger(_messages);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                messages.Enqueue(formatter(state, exception));
            }
        }
    }
}
