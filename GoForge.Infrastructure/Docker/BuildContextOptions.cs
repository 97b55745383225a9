using System.ComponentModel.DataAnnotations;

namespace GoForge.Infrastructure.Docker;

/// <summary>Limits on what a build sends to the engine (section <c>GoForge:BuildContext</c>); a build past one fails before it starts.</summary>
public sealed class BuildContextOptions
{
    public const string SectionName = "GoForge:BuildContext";

    /// <summary>Largest total size of the files sent as the build context, after <c>.dockerignore</c>. Default 1 GiB.</summary>
    [Range(1L, 64L * 1024 * 1024 * 1024)]
    public long MaxContextBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Largest <c>.dockerignore</c> read. Default 1 MiB.</summary>
    [Range(1L, 64L * 1024 * 1024)]
    public long MaxDockerIgnoreBytes { get; set; } = 1024L * 1024;

    /// <summary>Largest Dockerfile sent. Default 1 MiB.</summary>
    [Range(1L, 64L * 1024 * 1024)]
    public long MaxDockerfileBytes { get; set; } = 1024L * 1024;

    /// <summary>The setting's full key, for messages.</summary>
    public static string Key(string property) => $"{SectionName}:{property}";
}
