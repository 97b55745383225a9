using GoForge.Core.Common;
using GoForge.Core.Compose;
using GoForge.Core.Projects;
using GoForge.Core.Volumes;
using GoForge.Infrastructure.Compose;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Compose;

/// <summary>The real loader (strict YAML, reader, the clone's confined files) and helpers to read compose text with it.</summary>
internal static class ComposeSamples
{
    public const string ProtectedFolder = "/srv/goforge-data";

    public static ComposeLoader Loader { get; } = CreateLoader();

    /// <summary>Reads <paramref name="yaml"/> as a stored snapshot (no file access); <paramref name="files"/> adds env_files.</summary>
    public static Result<ComposeProject> Read(
        string yaml, IReadOnlyList<EnvironmentVariable>? variables = null, bool allowBindMounts = false,
        IReadOnlyDictionary<string, string>? files = null, string composePath = "compose.yaml")
    {
        var all = new Dictionary<string, string>(files ?? new Dictionary<string, string>(), StringComparer.Ordinal) { [composePath] = yaml };
        return Loader.Read(new ComposeSnapshot(composePath, all), variables ?? [], allowBindMounts);
    }

    public static ComposeProject Valid(string yaml, IReadOnlyList<EnvironmentVariable>? variables = null, bool allowBindMounts = false, IReadOnlyDictionary<string, string>? files = null, string composePath = "compose.yaml")
    {
        var result = Read(yaml, variables, allowBindMounts, files, composePath);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value;
    }

    /// <summary>The refusal's full message (every problem); fails when the file was accepted.</summary>
    public static string Refusal(string yaml, IReadOnlyList<EnvironmentVariable>? variables = null, bool allowBindMounts = false, IReadOnlyDictionary<string, string>? files = null, string composePath = "compose.yaml")
    {
        var result = Read(yaml, variables, allowBindMounts, files, composePath);
        Assert.False(result.IsSuccess, "The compose file was accepted.");
        return result.Error.Message;
    }

    public static EnvironmentVariable Variable(string key, string value, params string[] services) => new()
    {
        Id = Guid.NewGuid(),
        ApplicationId = Guid.Empty,
        Key = key,
        Value = value,
        Services = services.Length == 0 ? null : services,
        UpdatedAt = DateTimeOffset.UnixEpoch,
    };

    /// <summary>A file with one service <c>web</c> holding <paramref name="serviceLines"/> (indented by the helper) after its image.</summary>
    public static string WebService(string serviceLines = "", string tail = "") =>
        "services:\n  web:\n    image: nginx:1.27\n"
        + string.Concat(serviceLines.Split('\n').Where(l => l.Length > 0).Select(l => "    " + l + "\n"))
        + tail;

    private static ComposeLoader CreateLoader()
    {
        var volumes = new AppVolumeOptions();
        volumes.ProtectedHostPaths.Add(ProtectedFolder);
        return new ComposeLoader(new ComposeSyntax(), new RepositoryTextFiles(), Options.Create(volumes), NullLogger<ComposeLoader>.Instance);
    }
}
