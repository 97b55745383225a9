using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Docker.DotNet.Models;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Production;

/// <summary>
/// GoForge's production install, for real: a copy of deploy/ (compose file, install.sh, Caddy template) in a temp
/// folder, run against a <see cref="NetworkedDockerDaemon"/> with the images <see cref="LocalImages"/> built. Commands
/// go through install.sh and docker-compose with argument lists; the only thing the test changes is which images the
/// compose file's variables name (no registry is reachable here). Reaches the proxy over HTTPS at the engine's address
/// for any host name, trusting Caddy's own CA (the install runs with <c>--tls internal</c>).
/// </summary>
internal sealed partial class ProductionStack(NetworkedDockerDaemon engine, string root, IReadOnlyDictionary<string, string> images)
{
    public const string PanelHost = "panel.stack.example.com";
    public const string AcmeEmail = "ops@stack.example.com";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(6);
    private X509Certificate2? _caddyRoot;

    public string DeployDirectory { get; } = Path.Combine(root, "deploy");

    public NetworkedDockerDaemon Engine => engine;

    /// <summary>Copies the files of deploy/ an installer runs from, as a checkout would have them.</summary>
    public void CopyDeployFiles()
    {
        Directory.CreateDirectory(Path.Combine(DeployDirectory, "caddy"));
        foreach (var file in new[] { "docker-compose.yml", "install.sh", Path.Combine("caddy", "caddy.template.json") })
        {
            File.Copy(RepositoryFiles.PathOf("deploy", file), Path.Combine(DeployDirectory, file));
        }
    }

    /// <summary>Runs deploy/install.sh with <paramref name="arguments"/> against the engine; offline: the images are there already.</summary>
    public Task<ProcessResult> InstallAsync(params string[] arguments) =>
        ProcessRunner.RunAsync("bash", [Path.Combine(DeployDirectory, "install.sh"), .. arguments, "--offline"], CommandTimeout, DeployDirectory, environment: Environment());

    /// <summary>docker-compose on the stack, as the docs tell an operator to run it.</summary>
    public async Task<ProcessResult> ComposeAsync(params string[] arguments) => (await TryComposeAsync(arguments)).EnsureSuccess();

    private Task<ProcessResult> TryComposeAsync(params string[] arguments) =>
        ProcessRunner.RunAsync("docker-compose",
            ["-p", "goforge", "-f", Path.Combine(DeployDirectory, "docker-compose.yml"), "--env-file", Path.Combine(DeployDirectory, ".env"), "--profile", "caddy", .. arguments],
            CommandTimeout, DeployDirectory, environment: Environment());

    /// <summary>Runs a program in the running container of a compose service (docker exec, argument list).</summary>
    public async Task<ProcessResult> ExecAsync(string service, params string[] command) =>
        await ProcessRunner.RunAsync("docker", ["exec", await ContainerIdAsync(service), .. command], CommandTimeout, environment: Environment());

    /// <summary>The last lines each service logged, and the containers' states: what a failed step's message carries.</summary>
    public async Task<string> DiagnosticsAsync()
    {
        var ps = await ProcessRunner.RunAsync("docker", ["ps", "-a", "--format", "{{.Names}} {{.Status}}"], CommandTimeout, environment: Environment());
        var logs = await TryComposeAsync("logs", "--no-color", "--tail", "60");
        return $"--- containers ---\n{ps.StandardOutput}{ps.StandardError}\n--- logs ---\n{logs.StandardOutput}{logs.StandardError}";
    }

    /// <summary>Runs a program in any container of the engine (docker exec, argument list).</summary>
    public Task<ProcessResult> ProcessInAsync(string containerId, params string[] command) =>
        ProcessRunner.RunAsync("docker", ["exec", containerId, .. command], CommandTimeout, environment: Environment());

    /// <summary>A one-off container of a compose service (<c>docker-compose run --rm</c>): its volumes, networks and environment, another command.</summary>
    public Task<ProcessResult> ComposeRunAsync(string service, params string[] command) =>
        TryComposeAsync(["run", "--rm", "--no-deps", "-T", "--entrypoint", command[0], service, .. command[1..]]);

    public async Task<string> ContainerIdAsync(string service)
    {
        var found = await engine.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = false,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { ["com.docker.compose.project=goforge"] = true, [$"com.docker.compose.service={service}"] = true },
            },
        });
        return Assert.Single(found).ID;
    }

    /// <summary>The one-time setup link install.sh printed.</summary>
    public static Uri SetupLink(ProcessResult install) =>
        new(SetupLinkPattern().Match(install.StandardOutput) is { Success: true } m ? m.Value : throw new InvalidOperationException($"install.sh printed no setup link:\n{install}"));

    /// <summary>
    /// A handler that sends every request, whatever its host, to the engine's address (where the proxy's ports are
    /// published) and accepts only certificates issued by Caddy's own CA for that host.
    /// </summary>
    public async Task<SocketsHttpHandler> ProxyHandlerAsync(bool cookies = false)
    {
        _caddyRoot ??= await CaddyRootAsync();
        var root = _caddyRoot;
        var address = engine.Address;
        return new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = cookies,
            MaxConnectionsPerServer = 256,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) => IssuedBy(root, certificate, chain, errors),
            },
        };
    }

    private static bool IssuedBy(X509Certificate2 root, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false; // no certificate, or one for another name
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    /// <summary>Caddy's local CA root, which it makes when it first issues a certificate (for the panel's route).</summary>
    private async Task<X509Certificate2> CaddyRootAsync()
    {
        string? pem = null;
        await Wait.UntilAsync(async () =>
        {
            var read = await ExecAsync("caddy", "cat", "/run/goforge-caddy/data/caddy/pki/authorities/local/root.crt");
            pem = read.ExitCode == 0 ? read.StandardOutput : null;
            return pem is not null;
        }, "Caddy's local CA root certificate", TimeSpan.FromMinutes(2));
        return X509Certificate2.CreateFromPem(pem);
    }

    private Dictionary<string, string> Environment() => new(images)
    {
        ["DOCKER_HOST"] = engine.Endpoint.ToString(),
    };

    [GeneratedRegex(@"https://[^\s]+/setup\?token=[A-Za-z0-9_-]+")]
    private static partial Regex SetupLinkPattern();
}
