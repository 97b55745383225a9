using GoForge.Core.Projects;
using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Infrastructure.Docker.Monitoring;
using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Docker;

/// <summary>
/// Image applications' pulls over the one cached client: the credential travels as the Engine API's
/// <c>X-Registry-Auth</c> (Docker.DotNet's <see cref="AuthConfig"/>), never in a command line or a log. Digest checks
/// use <c>GET /distribution/{name}/json</c> through <see cref="EngineHttp"/> (Docker.DotNet's method for it takes no
/// credential).
/// </summary>
public sealed partial class DockerRegistryImages(DockerClientProvider docker, ILogger<DockerRegistryImages> logger) : IRegistryImages, IDisposable
{
    private readonly Lazy<EngineHttp> _http = new(() => new EngineHttp(docker.Endpoint));

    public async Task<PulledImage> PullAsync(ImageReference reference, RegistryAuth? auth, IProgress<ImagePullProgress>? progress, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var relay = new PullMessages(progress);
        var name = reference.ToString();
        LogPulling(logger, name, auth is not null);
        try
        {
            await docker.Client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = reference.Name, Tag = reference.PullTag }, ToAuthConfig(auth), relay, ct);
        }
        catch (DockerApiException e)
        {
            throw Unpullable(reference, auth, e.EngineMessage(), e);
        }
        catch (Exception e) when (DockerErrors.IsUnreachable(e))
        {
            throw DockerErrors.ToEngineException(e);
        }

        if (relay.Error is not null)
        {
            throw Unpullable(reference, auth, relay.Error, null);
        }

        ImageInspectResponse image;
        try
        {
            image = await docker.Client.Images.InspectImageAsync(reference.Pulled, ct);
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            throw Unpullable(reference, auth, "the engine finished without the image", e);
        }

        // Image labels are hostile input: a pulled image gets no exemption, not even for GoForge's own build labels.
        var refused = ReservedImageLabels.FindRefused(image.Config?.Labels?.AsReadOnly(), new Dictionary<string, string>());
        if (refused is not null)
        {
            LogLabelRefused(logger, name, refused);
            throw new EngineException(ReservedImageLabels.Message(refused));
        }

        var digest = reference.Digest ?? DigestOf(reference, image.RepoDigests)
            ?? throw new EngineException($"The engine pulled {reference} but recorded no registry digest for it.");
        LogPulled(logger, name, digest);
        return new PulledImage(image.ID, digest);
    }

    public async Task AdoptAsync(PulledImage pulled, string tag, IReadOnlyDictionary<string, string> labels, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(pulled);
        ArgumentNullException.ThrowIfNull(labels);
        // A one-line build on the pulled image (by its id, so nothing is looked up in a registry) adds GoForge's labels:
        // the deployment's image then carries them like a built one, and image retention may remove it.
        using var context = new MemoryStream();
        await using (var tar = new TarWriter(context, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "Dockerfile")
            {
                DataStream = new MemoryStream(Encoding.ASCII.GetBytes($"FROM {pulled.ImageId}\n")),
            };
            await tar.WriteEntryAsync(entry, ct);
        }

        context.Position = 0;
        string? error = null;
        var messages = new Progress<JSONMessage>(m => error ??= m.Error?.Message);
        try
        {
            await docker.Client.Images.BuildImageFromDockerfileAsync(new ImageBuildParameters
            {
                Dockerfile = "Dockerfile",
                Tags = [tag],
                Labels = labels.ToDictionary(),
                Remove = true,
                ForceRemove = true,
            }, context, null, null, messages, ct);
        }
        catch (DockerApiException e)
        {
            throw new EngineException($"The pulled image could not be tagged {tag}: {e.EngineMessage()}", e);
        }
        catch (Exception e) when (DockerErrors.IsUnreachable(e))
        {
            throw DockerErrors.ToEngineException(e);
        }

        if (error is not null)
        {
            throw new EngineException($"The pulled image could not be tagged {tag}: {error}");
        }
    }

    public async Task<string> RemoteDigestAsync(ImageReference reference, RegistryAuth? auth, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ToAuthConfig(auth) is { } config)
        {
            headers["X-Registry-Auth"] = EncodeAuth(config);
        }

        try
        {
            // The reference is validated ASCII of the reference grammar: nothing in it needs escaping in a path.
            using var json = await _http.Value.GetJsonAsync($"distribution/{reference.Name}:{reference.Tag ?? "latest"}/json", headers, ct);
            if (json.RootElement.TryGetProperty("Descriptor", out var descriptor)
                && descriptor.TryGetProperty("digest", out var digest)
                && digest.GetString() is { } value && value.StartsWith("sha256:", StringComparison.Ordinal))
            {
                return value;
            }

            throw new EngineException($"The engine answered the digest check of {reference} without a digest.");
        }
        catch (DockerApiException e)
        {
            throw Unpullable(reference, auth, e.EngineMessage(), e);
        }
        catch (Exception e) when (e is JsonException || DockerErrors.IsUnreachable(e))
        {
            throw DockerErrors.ToEngineException(e);
        }
    }

    public async Task<string> PushAsync(string localTag, ImageReference target, RegistryAuth? auth, IProgress<ImagePullProgress>? progress, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(localTag);
        ArgumentNullException.ThrowIfNull(target);
        if (target.Digest is not null || target.Tag is null || target.Registry is null)
        {
            throw new ArgumentException("A push target names its registry and a tag, and no digest.", nameof(target));
        }

        var name = target.ToString();
        LogPushing(logger, localTag, name, auth is not null);
        var relay = new PullMessages(progress);
        var messages = new PushMessages(relay);
        try
        {
            await docker.Client.Images.TagImageAsync(localTag, new ImageTagParameters { RepositoryName = target.Name, Tag = target.Tag }, ct);
            await docker.Client.Images.PushImageAsync(target.Name, new ImagePushParameters { Tag = target.Tag }, ToAuthConfig(auth) ?? new AuthConfig(), messages, ct);
        }
        catch (DockerApiException e)
        {
            throw Unpushable(target, auth, e.EngineMessage(), e);
        }
        catch (Exception e) when (DockerErrors.IsUnreachable(e))
        {
            throw DockerErrors.ToEngineException(e);
        }

        if (relay.Error is not null)
        {
            throw Unpushable(target, auth, relay.Error, null);
        }

        var pushedDigest = messages.Digest;
        if (pushedDigest is null)
        {
            var image = await docker.Client.Images.InspectImageAsync(target.Pulled, ct);
            pushedDigest = DigestOf(target, image.RepoDigests);
        }

        var digest = pushedDigest ?? throw new EngineException($"The engine pushed {target} but reported no registry digest for it.");
        LogPushed(logger, name, digest);
        return digest;
    }

    public void Dispose()
    {
        if (_http.IsValueCreated)
        {
            _http.Value.Dispose();
        }
    }

    /// <summary>The digest the engine recorded for the reference's repository (<c>name@sha256:…</c>).</summary>
    private static string? DigestOf(ImageReference reference, IList<string>? repoDigests)
    {
        var digests = repoDigests ?? [];
        string[] names = reference.Registry is null
            ? [reference.Name, "docker.io/" + reference.Name, reference.Name.StartsWith("library/", StringComparison.Ordinal) ? reference.Name["library/".Length..] : "library/" + reference.Name]
            : [reference.Name];
        foreach (var repoDigest in digests)
        {
            var at = repoDigest.IndexOf('@', StringComparison.Ordinal);
            if (at > 0 && names.Contains(repoDigest[..at], StringComparer.Ordinal))
            {
                return repoDigest[(at + 1)..];
            }
        }

        return null;
    }

    private static AuthConfig? ToAuthConfig(RegistryAuth? auth) =>
        auth is null ? null : new AuthConfig { Username = auth.Username, Password = auth.Password, ServerAddress = auth.Registry };

    /// <summary>The engine's X-Registry-Auth: URL-safe base64 of the credential's JSON.</summary>
    private static string EncodeAuth(AuthConfig config)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string?>
        {
            ["username"] = config.Username,
            ["password"] = config.Password,
            ["serveraddress"] = config.ServerAddress,
        });
        return Convert.ToBase64String(json).Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The user's words for a failed push: a refused credential says so; the engine's message follows.</summary>
    private static EngineException Unpushable(ImageReference target, RegistryAuth? auth, string engineError, Exception? inner)
    {
        var message = !IsAuthFailure(engineError)
            ? $"The image could not be pushed to {target}: {engineError}"
            : auth is null
                ? $"the registry {target.RegistryHost} asks for credentials to push {target}, and none are set: {engineError}"
                : $"the registry refused the credentials for {auth.Registry} (user {auth.Username}) to push {target}: {engineError}";
        return inner is null ? new EngineException(message) : new EngineException(message, inner);
    }

    /// <summary>The user's words for a failed pull: a refused credential says so; the engine's message follows.</summary>
    private static EngineException Unpullable(ImageReference reference, RegistryAuth? auth, string engineError, Exception? inner)
    {
        var message = !IsAuthFailure(engineError)
            ? $"The image {reference} could not be pulled: {engineError}"
            : auth is null
                ? $"the registry {reference.RegistryHost} asks for credentials to pull {reference}, and this application has none: {engineError}"
                : $"the registry refused the credentials for {auth.Registry} (user {auth.Username}) to pull {reference}: {engineError}";
        return inner is null ? new EngineException(message) : new EngineException(message, inner);
    }

    private static bool IsAuthFailure(string engineError) =>
        engineError.Contains("unauthorized", StringComparison.OrdinalIgnoreCase)
        || engineError.Contains("authentication required", StringComparison.OrdinalIgnoreCase)
        || engineError.Contains("no basic auth credentials", StringComparison.OrdinalIgnoreCase)
        || engineError.Contains("denied", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(EventId = 7258, Level = LogLevel.Information, Message = "Pushing {Image} to {Target} (with a credential: {WithCredential})")]
    private static partial void LogPushing(ILogger logger, string image, string target, bool withCredential);

    [LoggerMessage(EventId = 7259, Level = LogLevel.Information, Message = "Pushed {Target}: {Digest}")]
    private static partial void LogPushed(ILogger logger, string target, string digest);

    /// <summary>A push's messages, read as they come (not posted later like <see cref="Progress{T}"/>): progress, the first error, and the digest of the last message's <c>aux</c>.</summary>
    private sealed class PushMessages(PullMessages relay) : IProgress<JSONMessage>
    {
        public string? Digest { get; private set; }

        public void Report(JSONMessage value)
        {
            ArgumentNullException.ThrowIfNull(value);
            ((IProgress<JSONMessage>)relay).Report(value);
            if (value.Aux?.ExtensionData is { } aux && aux.TryGetValue("Digest", out var d) && d?.ToString() is { } digest && digest.StartsWith("sha256:", StringComparison.Ordinal))
            {
                Digest = digest;
            }
        }
    }

    [LoggerMessage(EventId = 7255, Level = LogLevel.Information, Message = "Pulling {Image} (with a credential: {WithCredential})")]
    private static partial void LogPulling(ILogger logger, string image, bool withCredential);

    [LoggerMessage(EventId = 7256, Level = LogLevel.Information, Message = "Pulled {Image}: {Digest}")]
    private static partial void LogPulled(ILogger logger, string image, string digest);

    [LoggerMessage(EventId = 7257, Level = LogLevel.Warning, Message = "Refused the pulled image {Image}: it carries the reserved label {Label}")]
    private static partial void LogLabelRefused(ILogger logger, string image, string label);
}
