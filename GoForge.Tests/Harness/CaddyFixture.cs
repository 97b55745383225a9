using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace GoForge.Tests.Harness;

/// <summary>
/// A real Caddy (Debian's <c>caddy</c>, 2.6) for one test class: its own process on free loopback ports, admin API and
/// one HTTP server (<see cref="ServerName"/>) with automatic HTTPS off, nothing persisted. The server's last route
/// answers 404, so a host without a route is told so (Caddy's own default is an empty 200). Killed on dispose or
/// when the test host ends.
/// </summary>
public sealed class CaddyFixture : IAsyncLifetime
{
    public const string ServerName = "goforge";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly string _root = Directory.CreateTempSubdirectory("goforge-caddy-").FullName;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;
    private ExitGuard? _exitGuard;

    public Uri AdminUrl { get; private set; } = null!;

    public int HttpPort { get; private set; }

    /// <summary>Requests through Caddy; no connection pooling surprises across tests, never through an environment proxy.</summary>
    public HttpClient Client { get; } = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };

    public async Task InitializeAsync()
    {
        var caddy = HostSystem.FindOnPath("caddy")
            ?? throw new InvalidOperationException("caddy is not installed: apt-get install -y caddy (Debian's 2.6.2 is what GoForge is tested with).");
        var adminPort = HostSystem.FreeTcpPort();
        HttpPort = HostSystem.FreeTcpPort();
        AdminUrl = new Uri($"http://127.0.0.1:{adminPort.ToString(CultureInfo.InvariantCulture)}/");
        var config = new JsonObject
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
        await File.WriteAllTextAsync(ConfigPath, config.ToJsonString());
        _exitGuard = new ExitGuard(StopAsync);
        await StartProcessAsync(caddy);
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
        using var response = await Client.GetAsync(new Uri(AdminUrl, $"id/{id}"));
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
        using var probe = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            try
            {
                using var response = await probe.GetAsync(new Uri(AdminUrl, "config/"));
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
