using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace GoForge.Tests.Harness;

/// <summary>
/// A real registry v2 (Debian's <c>docker-registry</c>) on a free loopback port, with its storage in a temporary
/// folder, optionally behind htpasswd (bcrypt, made by <c>htpasswd -B</c>). Engines treat <c>127.0.0.1:PORT</c> as an
/// insecure registry they may use over HTTP, so the test engine pushes to it and pulls from it. Killed and its folder
/// removed on dispose, or when the test host ends.
/// </summary>
public sealed class RegistryServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly string _root = Directory.CreateTempSubdirectory("goforge-registry-").FullName;
    private ServerProcess? _server;

    private RegistryServer(int port, (string User, string Password)? login)
    {
        Port = port;
        Login = login;
    }

    public int Port { get; }

    /// <summary>The htpasswd user and password the registry requires; null when it is open.</summary>
    public (string User, string Password)? Login { get; }

    /// <summary>The registry host as image references name it.</summary>
    public string Host => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Starts a registry; with <paramref name="login"/>, every request needs that user and password.</summary>
    public static async Task<RegistryServer> StartAsync((string User, string Password)? login = null)
    {
        var program = HostSystem.FindOnPath("docker-registry")
            ?? throw new InvalidOperationException("docker-registry is not installed: apt-get install -y docker-registry apache2-utils.");
        var server = new RegistryServer(HostSystem.FreeTcpPort(), login);
        try
        {
            await server.StartProcessAsync(program);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Tags <paramref name="localImage"/> as <c>HOST/repository:tag</c> and pushes it with the registry's login;
    /// returns the reference and the digest the registry stored it under.
    /// </summary>
    public async Task<(string Reference, string Digest)> PushAsync(IDockerClient docker, string localImage, string repository, string tag)
    {
        ArgumentNullException.ThrowIfNull(docker);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var name = $"{Host}/{repository}";
        await docker.Images.TagImageAsync(localImage, new ImageTagParameters { RepositoryName = name, Tag = tag }, timeout.Token);
        var log = new DockerBuildLog();
        string? digest = null;
        var progress = new Progress<JSONMessage>(m =>
        {
            ((IProgress<JSONMessage>)log).Report(m);
            if (m.Aux?.ExtensionData is { } aux && aux.TryGetValue("Digest", out var d) && d?.ToString() is { } value)
            {
                digest = value;
            }
        });
        var auth = Login is { } l ? new AuthConfig { Username = l.User, Password = l.Password, ServerAddress = Host } : new AuthConfig();
        await docker.Images.PushImageAsync(name, new ImagePushParameters { Tag = tag }, auth, progress, timeout.Token);
        if (log.Error is not null)
        {
            throw new InvalidOperationException($"Pushing {name}:{tag} failed: {log.Error}");
        }

        var image = await docker.Images.InspectImageAsync($"{name}:{tag}", timeout.Token);
        digest ??= image.RepoDigests?.FirstOrDefault(r => r.StartsWith(name + "@", StringComparison.Ordinal))?.Split('@')[1];
        return ($"{name}:{tag}", digest ?? throw new InvalidOperationException($"The push of {name}:{tag} reported no digest.\n{log}"));
    }

    /// <summary>
    /// Builds a variant of <see cref="BusyboxImage"/> whose httpd answers <paramref name="body"/> (so each push is a new
    /// digest), with <paramref name="labels"/> on it; returns its local tag.
    /// </summary>
    public static async Task<string> BuildVariantAsync(IDockerClient docker, string body, IReadOnlyDictionary<string, string>? labels = null)
    {
        ArgumentNullException.ThrowIfNull(docker);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await BusyboxImage.EnsureAsync(docker, timeout.Token);
        var tag = $"goforge-test/registry-variant:{Guid.NewGuid():N}";
        var dockerfile = $"""
            FROM {BusyboxImage.Tag}
            CMD ["/bin/sh", "-c", "mkdir -p /www && echo {body} > /www/index.html && exec httpd -f -p 8080 -h /www"]
            """;
        using var context = new MemoryStream();
        await using (var tar = new TarWriter(context, TarEntryFormat.Pax, leaveOpen: true))
        {
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "Dockerfile") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(dockerfile)) }, timeout.Token);
        }

        context.Position = 0;
        var log = new DockerBuildLog();
        await docker.Images.BuildImageFromDockerfileAsync(new ImageBuildParameters
        {
            Tags = [tag],
            Labels = labels?.ToDictionary() ?? new Dictionary<string, string>(),
            Remove = true,
            ForceRemove = true,
        }, context, null, null, log, timeout.Token);
        return log.Error is null ? tag : throw new InvalidOperationException($"Building {tag} failed: {log.Error}\n{log}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
    }

    private async Task StartProcessAsync(string program)
    {
        var config = new StringBuilder()
            .AppendLine("version: 0.1")
            .AppendLine("log:")
            .AppendLine("  level: warn")
            .AppendLine("storage:")
            .AppendLine("  filesystem:")
            .AppendLine(CultureInfo.InvariantCulture, $"    rootdirectory: {Path.Combine(_root, "data")}")
            .AppendLine("http:")
            .AppendLine(CultureInfo.InvariantCulture, $"  addr: {Host}");
        if (Login is { } login)
        {
            var htpasswd = HostSystem.FindOnPath("htpasswd") ?? throw new InvalidOperationException("htpasswd is not installed: apt-get install -y apache2-utils.");
            var entry = (await ProcessRunner.RunAsync(htpasswd, ["-B", "-b", "-n", login.User, login.Password], TimeSpan.FromSeconds(30))).EnsureSuccess();
            await File.WriteAllTextAsync(Path.Combine(_root, "htpasswd"), entry.StandardOutput.Trim() + "\n");
            config.AppendLine("auth:")
                .AppendLine("  htpasswd:")
                .AppendLine("    realm: goforge-test")
                .AppendLine(CultureInfo.InvariantCulture, $"    path: {Path.Combine(_root, "htpasswd")}");
        }

        var configPath = Path.Combine(_root, "config.yml");
        await File.WriteAllTextAsync(configPath, config.ToString());
        var startInfo = new ProcessStartInfo(program) { WorkingDirectory = _root };
        startInfo.ArgumentList.Add("serve");
        startInfo.ArgumentList.Add(configPath);

        // 200 when open, 401 behind htpasswd: either way the registry is serving.
        _server = await ServerProcess.StartAsync("docker-registry", startInfo, new Uri($"http://{Host}/v2/"), StartTimeout);
    }
}
