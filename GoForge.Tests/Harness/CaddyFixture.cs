using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using GoForge.Infrastructure.Proxy.Caddy;
using GoForge.Tests.Support;

namespace GoForge.Tests.Harness;

/// <summary>
/// A real Caddy (Debian's <c>caddy</c>, 2.6) for one test class: its own process on free loopback ports, admin API and
/// one HTTP server (<see cref="ServerName"/>) with automatic HTTPS off, nothing persisted. The server's last route
/// answers 404, so a host without a route is told so (Caddy's own default is an empty 200). Killed on dispose or
/// when the test host ends. <see cref="CaddySocketFixture"/> runs the production base config instead.
/// </summary>
public class CaddyFixture : IAsyncLifetime
{
    public const string ServerName = "goforge";

    /// <summary>The placeholder of deploy/caddy/caddy.template.json that install.sh replaces with the issuer object.</summary>
    public const string IssuerPlaceholder = "\"@ISSUER@\"";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly string _root = Directory.CreateTempSubdirectory("goforge-caddy-").FullName;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;
    private ExitGuard? _exitGuard;
    private readonly bool _adminOnSocket;
    private HttpClient? _socketClient;

    public CaddyFixture()
        : this(adminOnSocket: false)
    {
    }

    protected CaddyFixture(bool adminOnSocket) => _adminOnSocket = adminOnSocket;

    /// <summary>The admin API over TCP; null when it is on <see cref="AdminSocket"/>.</summary>
    public Uri AdminUrl { get; private set; } = null!;

    /// <summary>The admin API's unix socket (production layout); null when it is on <see cref="AdminUrl"/>.</summary>
    public string? AdminSocket { get; private set; }

    public int HttpPort { get; private set; }

    /// <summary>The HTTPS listener of the production config; 0 for the plain fixture.</summary>
    public int HttpsPort { get; private set; }

    /// <summary>The running Caddy's process id.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("caddy is not running.");

    /// <summary>The admin API's client: plain TCP, or the panel's own socket transport.</summary>
    private HttpClient AdminClient => _socketClient ?? Client;

    private Uri AdminBase => AdminSocket is null ? AdminUrl : CaddyAdminTransport.Url(new CaddyOptions { AdminSocket = AdminSocket }, "");

    /// <summary>Requests through Caddy; no connection pooling surprises across tests, never through an environment proxy.</summary>
    public HttpClient Client { get; } = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };

    public async Task InitializeAsync()
    {
        var caddy = HostSystem.FindOnPath("caddy")
            ?? throw new InvalidOperationException("caddy is not installed: apt-get install -y caddy (Debian's 2.6.2 is what GoForge is tested with).");
        HttpPort = HostSystem.FreeTcpPort();
        var config = _adminOnSocket ? await SocketConfigAsync() : TcpConfig();
        await File.WriteAllTextAsync(ConfigPath, config.ToJsonString());
        _exitGuard = new ExitGuard(StopAsync);
        await StartProcessAsync(caddy);
    }

    /// <summary>
    /// deploy/caddy/caddy.template.json as install.sh renders it for <c>--tls internal</c>, with what a shared test machine needs
    /// instead of the fixed parts: the socket in this fixture's folder, free loopback ports for 80 and 443.
    /// </summary>
    private async Task<JsonObject> SocketConfigAsync()
    {
        AdminSocket = Path.Combine(_root, "admin.sock");
        HttpsPort = HostSystem.FreeTcpPort();
        _socketClient = new HttpClient(CaddyAdminTransport.CreateHandler(new CaddyOptions { AdminSocket = AdminSocket })) { Timeout = TimeSpan.FromSeconds(10) };
        var config = await ProductionConfigAsync("{\"module\":\"internal\"}");
        config["admin"]!["listen"] = "unix/" + AdminSocket;
        var http = config["apps"]!["http"]!;
        http["http_port"] = HttpPort;
        http["https_port"] = HttpsPort;
        http["servers"]![ServerName]!["listen"] = new JsonArray($"127.0.0.1:{HttpPort}", $"127.0.0.1:{HttpsPort}");
        return config;
    }

    /// <summary>deploy/caddy/caddy.template.json with <paramref name="issuer"/> (a JSON object) in place of <see cref="IssuerPlaceholder"/>, as install.sh writes it.</summary>
    public static async Task<JsonObject> ProductionConfigAsync(string issuer)
    {
        var template = await File.ReadAllTextAsync(RepositoryFiles.PathOf("deploy", "caddy", "caddy.template.json"));
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(template, System.Text.RegularExpressions.Regex.Escape(IssuerPlaceholder)));
        return JsonNode.Parse(template.Replace(IssuerPlaceholder, issuer, StringComparison.Ordinal))!.AsObject();
    }

    private JsonObject TcpConfig()
    {
        var adminPort = HostSystem.FreeTcpPort();
        AdminUrl = new Uri($"http://127.0.0.1:{adminPort.ToString(CultureInfo.InvariantCulture)}/");
        return new JsonObject
        {
            ["admin"] = new JsonObject { ["listen"] = $"127.0.0.1:{adminPort}", ["config"] = new JsonObject { ["persist"] = false } },
            ["apps"] = new JsonObject
            {
                ["http"] = new JsonObject
                {
                    ["servers"] = new JsonObject
                    {
                        [ServerName] = new JsonObject
                        {
                            ["listen"] = new JsonArray($"127.0.0.1:{HttpPort}"),
                            ["automatic_https"] = new JsonObject { ["disable"] = true },
                            ["routes"] = new JsonArray(new JsonObject
                            {
                                ["handle"] = new JsonArray(new JsonObject { ["handler"] = "static_response", ["status_code"] = "404", ["body"] = "no route" }),
                            }),
                        },
                    },
                },
            },
        };
    }

    private string ConfigPath => Path.Combine(_root, "caddy.json");

    /// <summary>
    /// Kills Caddy (SIGKILL) and starts it again on the same ports from its start-up configuration: every route added
    /// through the admin API is lost, as after a crash or a restart of an unpersisted Caddy.
    /// </summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartProcessAsync(HostSystem.FindOnPath("caddy")!);
    }

    private async Task StartProcessAsync(string caddy)
    {
        var configPath = ConfigPath;
        var startInfo = new ProcessStartInfo(caddy)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _root,
        };
        foreach (var argument in new[] { "run", "--config", configPath })
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Caddy's storage and autosave go to the throwaway folder, never to the user's home.
        startInfo.Environment["HOME"] = _root;
        startInfo.Environment["XDG_CONFIG_HOME"] = Path.Combine(_root, "config");
        startInfo.Environment["XDG_DATA_HOME"] = Path.Combine(_root, "data");
        _process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{caddy} could not be started.");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            await WaitUntilAnswersAsync();
        }
        catch
        {
            await _exitGuard!.RunAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_exitGuard is not null)
        {
            await _exitGuard.RunAsync();
            _exitGuard.Dispose();
        }

        Client.Dispose();
        _socketClient?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>GET <paramref name="path"/> through Caddy with <paramref name="host"/> as the Host header.</summary>
    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string host, string path = "/", (string User, string Password)? credentials = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}{path}"));
        request.Headers.Host = host;
        if (credentials is { } c)
        {
            request.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{c.User}:{c.Password}")));
        }

        using var response = await Client.SendAsync(request);
        return (response.StatusCode, (await response.Content.ReadAsStringAsync()).Trim());
    }

    /// <summary>The object with this <c>@id</c> in Caddy's running config; null when there is none.</summary>
    public async Task<JsonNode?> FindByIdAsync(string id)
    {
        using var response = await AdminClient.GetAsync(new Uri(AdminBase, $"id/{id}"));
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Caddy's last output lines, for failure messages.</summary>
    public string OutputTail() => string.Join('\n', _output.TakeLast(40));

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }

    private async Task WaitUntilAnswersAsync()
    {
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using var response = await AdminClient.GetAsync(new Uri(AdminBase, "config/"), attempt.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"caddy exited with {_process.ExitCode} before its admin API answered.\n{OutputTail()}");
            }

            if (elapsed.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"caddy's admin API did not answer within {StartTimeout.TotalSeconds:0} s.\n{OutputTail()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    private async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(StopTimeout);
            await _process.WaitForExitAsync(timeout.Token);
        }

        _process.Dispose();
        _process = null;
    }
}

/// <summary>
/// A real Caddy started from the production base config (deploy/caddy/caddy.template.json, internal issuer): admin API on a unix
/// socket in the fixture's folder and no TCP admin, server <see cref="CaddyFixture.ServerName"/> on free loopback
/// ports for HTTP and HTTPS, automatic HTTPS on, no routes.
/// </summary>
public sealed class CaddySocketFixture() : CaddyFixture(adminOnSocket: true);
