using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GoForge.Core.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Proxy.Traefik;

/// <summary>
/// Routes through Traefik's file provider: one file per application or service, <c>goforge-&lt;id&gt;.yml</c>, in the
/// folder Traefik watches (<see cref="TraefikOptions.DynamicDirectory"/>). The content is the JSON document of
/// <see cref="TraefikDynamicConfig"/> (JSON is YAML, and Traefik reads <c>.yml</c>). A file is written whole to a
/// temp name Traefik ignores, flushed to disk and renamed over the old one, so Traefik reads either the old route or
/// the new one, never half of one. Writes are serialised. Files not named <c>goforge-*.yml</c> are never touched.
/// </summary>
public sealed class TraefikFileRoutes(IOptions<TraefikOptions> options, TimeProvider time, ILogger<TraefikFileRoutes> logger) : IProxyRoutes, IDisposable
{
    private const string Prefix = "goforge-";
    private const string Extension = ".yml";

    /// <summary>The file name of the panel's own route.</summary>
    public const string PanelFile = Prefix + "panel" + Extension;

    private readonly SemaphoreSlim _gate = new(1, 1);

    private string Folder => options.Value.DynamicDirectory!;

    /// <summary>The route file of an application or service (by its id).</summary>
    public static string FileName(Guid id) => $"{Prefix}{id:N}{Extension}";

    /// <summary>The id of a route file GoForge wrote for an application or service; false for any other name (the panel's included).</summary>
    public static bool TryParseFileName(string fileName, out Guid id)
    {
        id = Guid.Empty;
        return fileName.StartsWith(Prefix, StringComparison.Ordinal) && fileName.EndsWith(Extension, StringComparison.Ordinal)
            && Guid.TryParseExact(fileName.AsSpan(Prefix.Length, fileName.Length - Prefix.Length - Extension.Length), "N", out id);
    }

    public string Preview(RouteTarget target, RouteUpstream upstream) =>
        TraefikDynamicConfig.For(target, Servers(upstream), options.Value)?.ToJsonString(TraefikDynamicConfig.Json) ?? string.Empty;

    /// <summary>The one server of the upstream; none for a stopped application, so Traefik answers its routers with 503.</summary>
    private static IReadOnlyList<string> Servers(RouteUpstream upstream)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        return upstream.StoppedApplication is null ? [TraefikDynamicConfig.ServerUrl(upstream)] : [];
    }

    public async Task ApplyAsync(RouteTarget target, RouteUpstream upstream, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (TraefikDynamicConfig.For(target, Servers(upstream), options.Value) is not { } document)
        {
            // No domain, no route; one left from earlier domains goes.
            await RemoveAsync(target.ApplicationId, ct);
            return;
        }

        var file = FileName(target.ApplicationId);
        var servers = TraefikDynamicConfig.ServerUrls(document);
        var hosts = string.Join(", ", target.Domains.Select(d => d.ToString()));
        var urls = string.Join(", ", servers);
        IReadOnlyList<string>? before;
        await _gate.WaitAsync(ct);
        try
        {
            before = ReadServers(file);
            Write(file, document);
        }
        finally
        {
            _gate.Release();
        }

        logger.RouteWritten(file, hosts, urls);
        var delay = options.Value.ReloadDelay;
        if (before is { Count: > 0 } && !before.SequenceEqual(servers, StringComparer.Ordinal) && delay > TimeSpan.Zero)
        {
            // Traefik reloads a changed file only after its providersThrottleDuration: the old container must keep
            // serving until then, so the caller's drain starts after Traefik has switched.
            await Task.Delay(delay, time, ct);
        }
    }

    public async Task RemoveAsync(Guid applicationId, CancellationToken ct = default)
    {
        var file = FileName(applicationId);
        await _gate.WaitAsync(ct);
        try
        {
            var path = Path.Combine(Folder, file);
            var present = File.Exists(path);
            if (present)
            {
                File.Delete(path);
            }

            logger.RouteDeleted(file, present);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProxyException($"Could not remove Traefik's route file {file} in {Folder}: {e.Message}", e);
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task<ProxyRouteTable?> ReadRoutesAsync(CancellationToken ct = default)
    {
        var upstreams = new Dictionary<Guid, IReadOnlyList<string>>();
        try
        {
            if (!Directory.Exists(Folder))
            {
                return Task.FromResult<ProxyRouteTable?>(new ProxyRouteTable(upstreams));
            }

            foreach (var path in Directory.EnumerateFiles(Folder, Prefix + "*" + Extension))
            {
                ct.ThrowIfCancellationRequested();
                if (TryParseFileName(Path.GetFileName(path), out var id) && ReadServers(Path.GetFileName(path)) is { } servers)
                {
                    upstreams[id] = [.. servers.Select(Dial).OfType<string>()];
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProxyException($"Could not read Traefik's route files in {Folder}: {e.Message}", e);
        }

        return Task.FromResult<ProxyRouteTable?>(new ProxyRouteTable(upstreams));
    }

    /// <summary>Writes <see cref="PanelFile"/>: the panel's own route, <paramref name="host"/> to <see cref="TraefikOptions.PanelUpstream"/>.</summary>
    public async Task WritePanelRouteAsync(string host, CancellationToken ct = default)
    {
        var settings = options.Value;
        var upstream = settings.PanelUpstream ?? throw new InvalidOperationException($"{TraefikOptions.SectionName}:{nameof(TraefikOptions.PanelUpstream)} is not set.");
        var document = TraefikDynamicConfig.ForPanel(host, upstream, settings);
        var url = upstream.GetLeftPart(UriPartial.Authority);
        await _gate.WaitAsync(ct);
        try
        {
            Write(PanelFile, document);
        }
        finally
        {
            _gate.Release();
        }

        logger.RouteWritten(PanelFile, host, url);
    }

    public void Dispose() => _gate.Dispose();

    /// <summary><c>host:port</c> of a server URL, as <see cref="ProxyRouteTable"/> compares them.</summary>
    private static string? Dial(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Host}:{uri.Port}" : null;

    /// <summary>The server URLs of a route file; null when it is missing or is not a document GoForge could have written (logged).</summary>
    private List<string>? ReadServers(string file)
    {
        var path = Path.Combine(Folder, file);
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProxyException($"Could not read Traefik's route file {file} in {Folder}: {e.Message}", e);
        }

        try
        {
            var servers = TraefikDynamicConfig.ServerUrls(JsonNode.Parse(text));
            if (servers.Count > 0)
            {
                return [.. servers];
            }
        }
        catch (JsonException)
        {
        }

        logger.RouteFileUnreadable(file);
        return null;
    }

    private void Write(string file, JsonObject document)
    {
        var folder = Folder;
        var temp = Path.Combine(folder, "." + Path.ChangeExtension(file, ".tmp"));
        try
        {
            Directory.CreateDirectory(folder);
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(Encoding.UTF8.GetBytes(document.ToJsonString(TraefikDynamicConfig.Json) + "\n"));
                stream.Flush(flushToDisk: true);
            }

            // rename(2) within one folder: Traefik sees the old file or the new one, whole.
            File.Move(temp, Path.Combine(folder, file), overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new ProxyException($"Could not write Traefik's route file {file} in {folder}: {e.Message}", e);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temp file is ignored by Traefik and replaced by the next write.
        }
    }
}
